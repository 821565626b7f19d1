package dev.seedbox.provisioning.contract;

import java.time.Duration;

/** The contract's fault hooks for an HTTP provider, served by its stateful fake of the provider's API. */
public abstract class CloudProviderContract extends ProvisioningProviderContract {

  /** The fake the provider under test talks to. */
  protected abstract FakeCloudApi fake();

  @Override
  protected void failNextCalls(int calls) {
    fake().failNext(calls);
  }

  @Override
  protected void shutdownLag(Duration lag) {
    fake().shutdownLag(lag);
  }

  @Override
  protected long powerOffsPosted() {
    return fake().actionsPosted().stream().filter(fake().powerOffAction()::equals).count();
  }

  @Override
  protected void listingLag(int lookups) {
    if (lookups == 0) {
      fake().catchUpListings();
    } else {
      fake().listingLag(lookups);
    }
  }

  @Override
  protected long serversCreated() {
    return fake().createdCount();
  }
}

package dev.seedbox.provisioning.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seedbox.keys.key.Ed25519Keys;
import dev.seedbox.provisioning.CreateRequest;
import dev.seedbox.provisioning.PermanentProviderException;
import dev.seedbox.provisioning.ServerRef;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The contract's fault hooks for an HTTP provider, served by its stateful fake of the provider's API. */
public abstract class CloudProviderContract extends ProvisioningProviderContract {

  private static final String MANAGEMENT_KEY = new Ed25519Keys().generate("contract-management").publicKey().line();

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

  // ---- the server's SSH key: no root password is ever made ----------------------------------------------------

  @Test
  void aCreateNamesTheSeedboxsKeySoTheProviderMakesNoRootPassword() {
    String uid = newUid();
    ServerRef ref = provider().create(request(uid).withSshKey(MANAGEMENT_KEY)).ref();

    assertThat(fake().sshKeysOf(ref.id())).containsExactly(CreateRequest.sshKeyName(uid));
    assertThat(fake().sshKeyNames()).containsOnlyOnce(CreateRequest.sshKeyName(uid));
  }

  @Test
  void aCreateRepeatedAfterARestartRegistersTheKeyOnce() {
    String uid = newUid();
    ServerRef first = provider().create(request(uid).withSshKey(MANAGEMENT_KEY)).ref();
    ServerRef again = restartedProvider().create(request(uid).withSshKey(MANAGEMENT_KEY)).ref();

    assertThat(again).isEqualTo(first);
    assertThat(fake().sshKeyNames()).containsOnlyOnce(CreateRequest.sshKeyName(uid));
  }

  @Test
  void aKeyRegisteredByACreateTheProviderRefusedIsReusedByTheNextOne() {
    String uid = newUid();
    CreateRequest good = request(uid).withSshKey(MANAGEMENT_KEY);
    CreateRequest refused = new CreateRequest(uid, good.size(), unavailableRegion(), good.client(), good.userData(),
        0, MANAGEMENT_KEY);
    assertThatThrownBy(() -> provider().create(refused)).isInstanceOf(PermanentProviderException.class);

    ServerRef ref = provider().create(good).ref();
    assertThat(fake().sshKeysOf(ref.id())).containsExactly(CreateRequest.sshKeyName(uid));
    assertThat(fake().sshKeyNames()).containsOnlyOnce(CreateRequest.sshKeyName(uid));
  }

  @Test
  void terminatingDeletesTheSeedboxsKey() {
    String uid = newUid();
    ServerRef ref = provider().create(request(uid).withSshKey(MANAGEMENT_KEY)).ref();
    provider().terminate(ref);
    assertThat(fake().sshKeyNames()).doesNotContain(CreateRequest.sshKeyName(uid));

    String lost = newUid();
    provider().create(request(lost).withSshKey(new Ed25519Keys().generate("other").publicKey().line()));
    provider().terminateBySeedboxUid(lost);
    assertThat(fake().sshKeyNames()).doesNotContain(CreateRequest.sshKeyName(lost));
  }
}

package dev.seedbox.provisioning.inmemory;

import dev.seedbox.api.v1alpha1.TorrentClient;
import dev.seedbox.provisioning.CreateRequest;
import dev.seedbox.provisioning.ProvisioningProvider;
import dev.seedbox.provisioning.ServerRef;
import dev.seedbox.provisioning.contract.ProvisioningProviderContract;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;

class InMemoryProviderContractTest extends ProvisioningProviderContract {

  private InMemoryProvider provider;

  @BeforeEach
  void createCloud() {
    provider = new InMemoryProvider(InMemoryProvider.Options.defaults()
        .withActivationDelay(Duration.ofMillis(30))
        .withRegions(Set.of("dev-1", "dev-2"))
        .withRetry(RETRY, sleeper));
  }

  @Override
  protected ProvisioningProvider provider() {
    return provider;
  }

  /** The in-memory provider keeps no client-side state: the same instance is the cloud a restart finds again. */
  @Override
  protected ProvisioningProvider restartedProvider() {
    return provider;
  }

  @Override
  protected String size() {
    return "small";
  }

  @Override
  protected String region() {
    return "dev-1";
  }

  @Override
  protected String unavailableRegion() {
    return "mars1";
  }

  @Override
  protected String unavailableRegionMessage() {
    return "region 'mars1' is not available; available regions are [dev-1, dev-2]";
  }

  @Override
  protected Duration rateLimitNextCall() {
    provider.rateLimitNextCalls(1, Duration.ofSeconds(3));
    return Duration.ofSeconds(3);
  }

  @Override
  protected void failNextCalls(int calls) {
    provider.failNextCalls(calls);
  }

  @Override
  protected void loseNextCreateAnswer() {
    provider.loseNextCreateAnswer();
  }

  @Override
  protected void loseServer(ServerRef server) {
    provider.loseServer(server);
  }

  @Override
  protected void addForeignServer() {
    // the in-memory cloud holds only our servers
  }

  @Override
  protected ProvisioningProvider providerWithRejectedToken() {
    provider.rejectToken(true);
    return provider;
  }

  @Override
  protected void addManagedServersWithVolumes(int count) {
    for (int i = 0; i < count; i++) {
      provider.create(new CreateRequest("paged-" + i, size(), region(), TorrentClient.QBITTORRENT, "", 100));
    }
  }

  /** In-memory servers are off the moment they are suspended: there is no OS to wait for. */
  @Override
  protected void shutdownLag(Duration lag) {
  }

  @Override
  protected long powerOffsPosted() {
    return 0;
  }

  /** The in-memory cloud has no listing that could lag. */
  @Override
  protected void listingLag(int lookups) {
  }

  @Override
  protected long serversCreated() {
    return provider.serversCreated();
  }
}

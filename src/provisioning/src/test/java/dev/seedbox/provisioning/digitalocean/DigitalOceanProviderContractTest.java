package dev.seedbox.provisioning.digitalocean;

import dev.seedbox.provisioning.ProvisioningProvider;
import dev.seedbox.provisioning.ServerRef;
import dev.seedbox.provisioning.contract.CloudProviderContract;
import dev.seedbox.provisioning.contract.CloudTestTuning;
import dev.seedbox.provisioning.contract.FakeCloudApi;
import dev.seedbox.provisioning.contract.FakeDigitalOcean;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

class DigitalOceanProviderContractTest extends CloudProviderContract {

  private static final String TOKEN = "do-test-token";

  private FakeDigitalOcean fake;
  private DigitalOceanProvider provider;

  @BeforeEach
  void startFake() {
    fake = new FakeDigitalOcean(TOKEN);
    provider = newProvider();
  }

  @AfterEach
  void stopFake() {
    fake.close();
  }

  private DigitalOceanProvider newProvider() {
    return new DigitalOceanProvider(fake.baseUrl(), TOKEN, CloudTestTuning.with(RETRY, sleeper));
  }

  @Override
  protected ProvisioningProvider provider() {
    return provider;
  }

  @Override
  protected ProvisioningProvider restartedProvider() {
    return newProvider();
  }

  @Override
  protected String size() {
    return "s-1vcpu-1gb";
  }

  @Override
  protected String region() {
    return "fra1";
  }

  @Override
  protected String unavailableRegion() {
    return "mars1";
  }

  @Override
  protected String unavailableRegionMessage() {
    return FakeDigitalOcean.INVALID_REGION_MESSAGE;
  }

  @Override
  protected Duration rateLimitNextCall() {
    fake.rateLimitNext(1, 2);
    return Duration.ofSeconds(2);
  }

  @Override
  protected void loseNextCreateAnswer() {
    fake.loseNextCreateAnswer(FakeCloudApi.LostAnswer.TRUNCATED);
  }

  @Override
  protected void loseServer(ServerRef server) {
    fake.removeDroplet(server.id());
  }

  @Override
  protected void addForeignServer() {
    fake.addDroplet("someone-elses-web-server", List.of("web"));
  }

  @Override
  protected ProvisioningProvider providerWithRejectedToken() {
    return new DigitalOceanProvider(fake.baseUrl(), "revoked-token", CloudTestTuning.with(RETRY, sleeper));
  }

  @Override
  protected void addManagedServersWithVolumes(int count) {
    for (int i = 0; i < count; i++) {
      String uid = "paged-" + i;
      List<String> tags = List.of(DigitalOceanProvider.MANAGED_TAG, DigitalOceanProvider.uidTag(uid));
      fake.addDroplet("seedbox-" + uid, tags);
      fake.addVolume(DigitalOceanProvider.volumeName(uid), "nyc1", 100, tags);
    }
  }

  @Override
  protected FakeCloudApi fake() {
    return fake;
  }
}

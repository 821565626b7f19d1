package dev.seedbox.provisioning.hetzner;

import dev.seedbox.provisioning.ProvisioningProvider;
import dev.seedbox.provisioning.ServerRef;
import dev.seedbox.provisioning.contract.CloudProviderContract;
import dev.seedbox.provisioning.contract.CloudTestTuning;
import dev.seedbox.provisioning.contract.FakeCloudApi;
import dev.seedbox.provisioning.contract.FakeHetzner;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

class HetznerProviderContractTest extends CloudProviderContract {

  private static final String TOKEN = "hcloud-test-token";

  private FakeHetzner fake;
  private HetznerProvider provider;

  @BeforeEach
  void startFake() {
    fake = new FakeHetzner(TOKEN);
    provider = newProvider();
  }

  @AfterEach
  void stopFake() {
    fake.close();
  }

  private HetznerProvider newProvider() {
    return new HetznerProvider(fake.baseUrl(), TOKEN, CloudTestTuning.with(RETRY, sleeper));
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
    return "cx22";
  }

  @Override
  protected String region() {
    return "fsn1";
  }

  @Override
  protected String unavailableRegion() {
    return "mars1";
  }

  @Override
  protected String unavailableRegionMessage() {
    return FakeHetzner.INVALID_LOCATION_MESSAGE;
  }

  @Override
  protected Duration rateLimitNextCall() {
    fake.rateLimitNext(1, 3600);
    // Hetzner refills one request per second; its reset header names the time the whole bucket is full again
    return Duration.ofSeconds(1);
  }

  @Override
  protected void loseNextCreateAnswer() {
    fake.loseNextCreateAnswer(FakeCloudApi.LostAnswer.SERVER_ERROR);
  }

  @Override
  protected void loseServer(ServerRef server) {
    fake.removeServer(server.id());
  }

  @Override
  protected void addForeignServer() {
    fake.addServer("someone-elses-db", Map.of("team", "data"));
  }

  @Override
  protected ProvisioningProvider providerWithRejectedToken() {
    return new HetznerProvider(fake.baseUrl(), "revoked-token", CloudTestTuning.with(RETRY, sleeper));
  }

  @Override
  protected void addManagedServersWithVolumes(int count) {
    for (int i = 0; i < count; i++) {
      String uid = "paged-" + i;
      Map<String, String> labels = Map.of(HetznerProvider.MANAGED_LABEL, "true", HetznerProvider.UID_LABEL, uid);
      fake.addServer(HetznerProvider.serverName(uid), labels);
      fake.addVolume(HetznerProvider.serverName(uid), "fsn1", 100, labels);
    }
  }

  @Override
  protected FakeCloudApi fake() {
    return fake;
  }
}

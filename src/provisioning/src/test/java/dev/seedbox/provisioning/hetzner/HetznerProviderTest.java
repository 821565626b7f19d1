package dev.seedbox.provisioning.hetzner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.seedbox.api.v1alpha1.TorrentClient;
import dev.seedbox.provisioning.CreateRequest;
import dev.seedbox.provisioning.CreatedServer;
import dev.seedbox.provisioning.PermanentProviderException;
import dev.seedbox.provisioning.ProviderUnauthorizedException;
import dev.seedbox.provisioning.RetryableProviderException;
import dev.seedbox.provisioning.ServerRef;
import dev.seedbox.provisioning.RetryPolicy;
import dev.seedbox.provisioning.ServerState;
import dev.seedbox.provisioning.contract.CloudTestTuning;
import dev.seedbox.provisioning.contract.FakeHetzner;
import dev.seedbox.provisioning.contract.RecordingSleeper;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Hetzner behaviour beyond the shared contract. */
class HetznerProviderTest {

  private static final String TOKEN = "hcloud-test-token";
  private static final RetryPolicy RETRY =
      new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30));

  private final RecordingSleeper sleeper = new RecordingSleeper();
  private final FakeHetzner fake = new FakeHetzner(TOKEN);
  private final HetznerProvider provider =
      new HetznerProvider(fake.baseUrl(), TOKEN, CloudTestTuning.with(RETRY, sleeper));

  @AfterEach
  void stop() {
    fake.close();
  }

  private static CreateRequest request(String uid) {
    return new CreateRequest(uid, "cx22", "nbg1", TorrentClient.QBITTORRENT, "#cloud-config\n{}\n");
  }

  @Test
  void aUniquenessErrorOnTheServerNameMeansAdoptTheExistingServer() {
    String uid = UUID.randomUUID().toString();
    long existing = fake.addServer(HetznerProvider.serverName(uid),
        Map.of(HetznerProvider.MANAGED_LABEL, "true", HetznerProvider.UID_LABEL, uid));
    fake.listingLag(0);
    // hide it from the first label lookup so that the create reaches the POST and gets the 409
    hideFromNextListing(existing);

    CreatedServer created = provider.create(request(uid));

    assertThat(created.adopted()).isTrue();
    assertThat(created.ref().id()).isEqualTo(existing);
    assertThat(fake.createdCount()).isZero();
  }

  @Test
  void aNameTakenByAServerWithoutOurLabelIsAPermanentConflict() {
    String uid = UUID.randomUUID().toString();
    fake.addServer(HetznerProvider.serverName(uid), Map.of("team", "data"));

    assertThatThrownBy(() -> provider.create(request(uid)))
        .isInstanceOfSatisfying(PermanentProviderException.class, e -> {
          assertThat(e.httpStatus()).isEqualTo(409);
          assertThat(e.providerCode()).isEqualTo("uniqueness_error");
        });
  }

  @Test
  void statusesMapOntoOurStates() {
    assertThat(HetznerProvider.mapStatus("initializing")).isEqualTo(ServerState.PROVISIONING);
    assertThat(HetznerProvider.mapStatus("starting")).isEqualTo(ServerState.STARTING);
    assertThat(HetznerProvider.mapStatus("running")).isEqualTo(ServerState.RUNNING);
    assertThat(HetznerProvider.mapStatus("stopping")).isEqualTo(ServerState.STOPPING);
    assertThat(HetznerProvider.mapStatus("off")).isEqualTo(ServerState.OFF);
    assertThat(HetznerProvider.mapStatus("deleting")).isEqualTo(ServerState.DELETING);
    assertThat(HetznerProvider.mapStatus("rebuilding")).isEqualTo(ServerState.MAINTENANCE);
    assertThat(HetznerProvider.mapStatus("migrating")).isEqualTo(ServerState.MAINTENANCE);
    assertThat(HetznerProvider.mapStatus("unknown")).isEqualTo(ServerState.UNKNOWN);
  }

  @Test
  void theServersIpv6AddressIsTheFirstOfItsSlash64() {
    assertThat(HetznerProvider.serverIpv6("2a01:4f8:c17:b8f::/64")).isEqualTo("2a01:4f8:c17:b8f::1");
    assertThat(HetznerProvider.serverIpv6("2a01:4f8:0:1:0:0:0:0/64")).isEqualTo("2a01:4f8:0:1:0:0:0:1");
    assertThat(HetznerProvider.serverIpv6(null)).as("a server created without IPv6").isNull();
    assertThat(HetznerProvider.serverIpv6("198.51.100.0/24")).isNull();
  }

  @Test
  void listManagedReadsEveryPage() {
    for (int i = 0; i < 120; i++) {
      fake.addServer("s" + i, Map.of(HetznerProvider.MANAGED_LABEL, "true", HetznerProvider.UID_LABEL, "uid-" + i));
    }
    fake.addServer("other", Map.of(HetznerProvider.MANAGED_LABEL, "false"));

    assertThat(provider.listManaged()).hasSize(120);
  }

  private void hideFromNextListing(long id) {
    fake.hideFromListings(id, 1);
  }

  @Test
  void aProtectedServerIsAPermanentRefusalWithHetznersMessageNotUnauthorizedAndNotRetried() {
    ServerRef ref = provider.create(request(UUID.randomUUID().toString())).ref();
    fake.protect(ref.id());
    sleeper.clear();

    assertThatThrownBy(() -> provider.terminate(ref))
        .isInstanceOfSatisfying(PermanentProviderException.class, e -> {
          assertThat(e.httpStatus()).isEqualTo(403);
          assertThat(e.providerCode()).isEqualTo("protected");
          assertThat(e.getMessage()).contains(FakeHetzner.PROTECTED_MESSAGE);
        });
    assertThat(sleeper.waits()).isEmpty();
  }

  @Test
  void aReadOnlyTokenIsUnauthorized() {
    fake.acceptReadOnlyToken("read-only-token");
    HetznerProvider readOnly =
        new HetznerProvider(fake.baseUrl(), "read-only-token", CloudTestTuning.with(RETRY, sleeper));

    assertThatThrownBy(() -> readOnly.create(request(UUID.randomUUID().toString())))
        .isInstanceOfSatisfying(ProviderUnauthorizedException.class, e -> {
          assertThat(e.httpStatus()).isEqualTo(403);
          assertThat(e.providerCode()).isEqualTo("forbidden");
        });
  }

  @Test
  void aLockedServerIsRetriedWithBackoffAndThenReportedBusy() {
    String uid = UUID.randomUUID().toString();
    ServerRef ref = provider.create(new CreateRequest(uid, "cx22", "nbg1", TorrentClient.QBITTORRENT,
        "#cloud-config\n{}\n", 100)).ref();
    await().atMost(Duration.ofSeconds(5)).until(() -> provider.status(ref).orElseThrow().state()
        == ServerState.RUNNING);
    fake.setActionDelay(Duration.ofSeconds(2));
    HetznerProvider other =
        new HetznerProvider(fake.baseUrl(), TOKEN, CloudTestTuning.with(RETRY, new RecordingSleeper()));
    Thread shutdown = new Thread(() -> other.suspend(ref));
    shutdown.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> fake.actionsPosted().contains("shutdown"));
    sleeper.clear();

    assertThatThrownBy(() -> provider.terminate(ref))
        .isInstanceOfSatisfying(RetryableProviderException.class, e -> {
          assertThat(e.reason()).isEqualTo(RetryableProviderException.Cause.BUSY);
          assertThat(e.getMessage()).contains("locked").contains(FakeHetzner.LOCKED_MESSAGE);
        });
    assertThat(sleeper.waits()).as("retried inside the call with back-off first").hasSize(RETRY.maxAttempts() - 1);
    shutdown.interrupt();
  }

  @Test
  void theVolumeCarriesTheUidLabelAndIsDeletedWithTheServer() {
    String uid = UUID.randomUUID().toString();
    CreatedServer created = provider.create(new CreateRequest(uid, "cx22", "nbg1", TorrentClient.QBITTORRENT,
        "#cloud-config\n{}\n", 4000));
    assertThat(created.attachedVolume()).hasValueSatisfying(v -> assertThat(v.sizeGb()).isEqualTo(4000));

    provider.terminate(created.ref());

    assertThat(fake.volumeCount()).isZero();
    assertThat(fake.actionsPosted()).contains("detach_volume");
  }
}

package dev.seedbox.provisioning.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.seedbox.api.v1alpha1.TorrentClient;
import dev.seedbox.provisioning.CreateRequest;
import dev.seedbox.provisioning.CreatedServer;
import dev.seedbox.provisioning.Credentials;
import dev.seedbox.provisioning.PermanentProviderException;
import dev.seedbox.provisioning.ProvisioningProvider;
import dev.seedbox.provisioning.RetryPolicy;
import dev.seedbox.provisioning.RetryableProviderException;
import dev.seedbox.provisioning.ServerInfo;
import dev.seedbox.provisioning.ServerRef;
import dev.seedbox.provisioning.ServerState;
import dev.seedbox.provisioning.cloudinit.QbittorrentCloudInit;
import dev.seedbox.provisioning.cloudinit.QbittorrentPassword;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ProvisioningProvider} promises (architecture §6). A subclass wires one provider to its
 * cloud (a stateful fake of the HTTP API, or the in-memory cloud) and implements the fault hooks; waits go through
 * {@link #sleeper} so that they are checked, not spent.
 */
public abstract class ProvisioningProviderContract {

  /** Three attempts per call, tiny back-off: the sleeper records the waits. */
  protected static final RetryPolicy RETRY =
      new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30));

  protected final RecordingSleeper sleeper = new RecordingSleeper();

  /** The provider under test; the same instance for the whole test. */
  protected abstract ProvisioningProvider provider();

  /** A new provider instance against the same cloud, as after an operator restart. */
  protected abstract ProvisioningProvider restartedProvider();

  protected abstract String size();

  protected abstract String region();

  protected abstract String unavailableRegion();

  /** The provider's own message for {@link #unavailableRegion()}. */
  protected abstract String unavailableRegionMessage();

  /** The next call is answered 429; returns the wait the provider asked for. */
  protected abstract Duration rateLimitNextCall();

  /** The next {@code calls} attempts fail with 5xx. */
  protected abstract void failNextCalls(int calls);

  /** The next create makes its server and then loses the answer. */
  protected abstract void loseNextCreateAnswer();

  /** Deletes the server behind the control plane's back. */
  protected abstract void loseServer(ServerRef server);

  /** Adds a server at the provider that is not ours (no tag or label); a no-op where nothing else can exist. */
  protected abstract void addForeignServer();

  /** Hashing costs 100,000 PBKDF2 rounds, so the suite renders its user data once. */
  private static final String USER_DATA =
      QbittorrentCloudInit.withDefaultPorts("seedbox", QbittorrentPassword.hash("contract-password")).render();

  protected CreateRequest request(String uid) {
    return new CreateRequest(uid, size(), region(), TorrentClient.QBITTORRENT, USER_DATA);
  }

  protected static String newUid() {
    return UUID.randomUUID().toString();
  }

  private List<ServerInfo> managedWith(String uid) {
    return provider().listManaged().stream().filter(s -> s.seedboxUid().equals(uid)).toList();
  }

  private void awaitState(ServerRef ref, ServerState state) {
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).untilAsserted(() ->
        assertThat(provider().status(ref)).map(ServerInfo::state).contains(state));
  }

  @Test
  void createMakesAServerWithA64BitIdThatBecomesRunning() {
    String uid = newUid();
    CreatedServer created = provider().create(request(uid));

    assertThat(created.adopted()).isFalse();
    assertThat(created.ref().provider()).isEqualTo(provider().kind());
    assertThat(created.ref().id()).isGreaterThan(Integer.MAX_VALUE);
    assertThat(ServerRef.parse(created.ref().toString())).isEqualTo(created.ref());
    assertThat(created.server().seedboxUid()).isEqualTo(uid);
    assertThat(created.server().state()).isIn(ServerState.PROVISIONING, ServerState.RUNNING);
    awaitState(created.ref(), ServerState.RUNNING);
    assertThat(provider().status(created.ref()).orElseThrow().address()).isPresent();
  }

  @Test
  void createAgainWithTheSameUidAdoptsTheServer() {
    String uid = newUid();
    CreatedServer first = provider().create(request(uid));
    CreatedServer second = provider().create(request(uid));

    assertThat(second.adopted()).isTrue();
    assertThat(second.ref()).isEqualTo(first.ref());
    assertThat(managedWith(uid)).hasSize(1);
  }

  @Test
  void crashAfterTheProviderCreatedTheServerMakesTheNextCreateAdoptIt() {
    String uid = newUid();
    ServerRef neverRecorded = provider().create(request(uid)).ref();

    CreatedServer afterRestart = restartedProvider().create(request(uid));

    assertThat(afterRestart.adopted()).isTrue();
    assertThat(afterRestart.ref()).isEqualTo(neverRecorded);
    assertThat(managedWith(uid)).hasSize(1);
  }

  @Test
  void createWhoseAnswerIsLostStillMakesExactlyOneServer() {
    String uid = newUid();
    loseNextCreateAnswer();

    CreatedServer created = provider().create(request(uid));
    CreatedServer again = provider().create(request(uid));

    assertThat(again.ref()).isEqualTo(created.ref());
    assertThat(managedWith(uid)).extracting(ServerInfo::ref).containsExactly(created.ref());
  }

  @Test
  void statusFollowsTheWholeLifeThroughSuspendResumeAndTerminate() {
    ServerRef ref = provider().create(request(newUid())).ref();
    awaitState(ref, ServerState.RUNNING);

    provider().suspend(ref);
    assertThat(provider().status(ref)).map(ServerInfo::state).contains(ServerState.OFF);
    provider().suspend(ref);
    assertThat(provider().status(ref)).map(ServerInfo::state).contains(ServerState.OFF);

    provider().resume(ref);
    awaitState(ref, ServerState.RUNNING);
    provider().resume(ref);
    assertThat(provider().status(ref)).map(ServerInfo::state).contains(ServerState.RUNNING);

    provider().terminate(ref);
    assertThat(provider().status(ref)).isEmpty();
    provider().terminate(ref);
    assertThat(provider().status(ref)).isEmpty();
  }

  @Test
  void terminateBySeedboxUidDeletesAServerWhoseIdWasNeverRecorded() {
    String uid = newUid();
    ServerRef ref = provider().create(request(uid)).ref();

    assertThat(provider().terminateBySeedboxUid(uid)).isEqualTo(1);
    assertThat(provider().status(ref)).isEmpty();
    assertThat(provider().terminateBySeedboxUid(uid)).isZero();
  }

  @Test
  void rotateCredentialsReturnsANewPasswordWithItsQbittorrentHash() throws Exception {
    ServerRef ref = provider().create(request(newUid())).ref();

    Credentials first = provider().rotateCredentials(ref);
    Credentials second = provider().rotateCredentials(ref);

    assertThat(first.password()).isNotEqualTo(second.password()).hasSizeGreaterThanOrEqualTo(20);
    assertThat(first.toString()).doesNotContain(first.password()).doesNotContain(first.passwordHash());
    String[] saltAndKey = first.passwordHash().replaceFirst("^@ByteArray\\(", "").replaceFirst("\\)$", "")
        .split(":");
    byte[] salt = Base64.getDecoder().decode(saltAndKey[0]);
    assertThat(QbittorrentPassword.hash(first.password(), salt)).isEqualTo(first.passwordHash());
    assertThat(QbittorrentPassword.hash(second.password(), salt)).isNotEqualTo(first.passwordHash());
  }

  @Test
  void retriesAfter429HonouringTheWaitTheProviderAskedFor() {
    ServerRef ref = provider().create(request(newUid())).ref();
    sleeper.clear();
    Duration asked = rateLimitNextCall();

    assertThat(provider().status(ref)).isPresent();

    assertThat(sleeper.waits()).anySatisfy(wait -> assertThat(wait).isGreaterThanOrEqualTo(asked));
  }

  @Test
  void retriesServerErrorsWithBackoffAndThenGivesUpRetryably() {
    ServerRef ref = provider().create(request(newUid())).ref();
    sleeper.clear();
    failNextCalls(RETRY.maxAttempts() - 1);
    assertThat(provider().status(ref)).isPresent();
    assertThat(sleeper.waits()).hasSize(RETRY.maxAttempts() - 1);

    failNextCalls(RETRY.maxAttempts());
    assertThatThrownBy(() -> provider().status(ref))
        .isInstanceOfSatisfying(RetryableProviderException.class,
            e -> assertThat(e.reason()).isEqualTo(RetryableProviderException.Cause.SERVER_ERROR));
    assertThat(provider().status(ref)).isPresent();
  }

  @Test
  void permanentRefusalSurfacesTheProvidersOwnMessage() {
    CreateRequest bad = new CreateRequest(newUid(), size(), unavailableRegion(), TorrentClient.QBITTORRENT, "");

    assertThatThrownBy(() -> provider().create(bad))
        .isInstanceOfSatisfying(PermanentProviderException.class, e -> {
          assertThat(e.httpStatus()).isBetween(400, 499);
          assertThat(e.providerMessage()).isEqualTo(unavailableRegionMessage());
          assertThat(e.getMessage()).contains(unavailableRegionMessage());
        });
    assertThat(managedWith(bad.seedboxUid())).isEmpty();
  }

  @Test
  void listManagedFindsExactlyOurServers() {
    Set<String> before = provider().listManaged().stream().map(ServerInfo::seedboxUid).collect(Collectors.toSet());
    addForeignServer();
    List<String> uids = List.of(newUid(), newUid(), newUid());
    List<ServerRef> refs = uids.stream().map(uid -> provider().create(request(uid)).ref()).toList();
    provider().terminate(refs.get(2));

    List<ServerInfo> managed = provider().listManaged();

    assertThat(managed).extracting(ServerInfo::seedboxUid).filteredOn(uid -> !before.contains(uid))
        .containsExactlyInAnyOrder(uids.get(0), uids.get(1));
    assertThat(managed).extracting(ServerInfo::ref).contains(refs.get(0), refs.get(1)).doesNotContain(refs.get(2));
  }

  @Test
  void serverLostBehindOurBackIsReportedGoneNotRecreated() {
    String uid = newUid();
    ServerRef ref = provider().create(request(uid)).ref();
    loseServer(ref);

    assertThat(provider().status(ref)).isEmpty();
    assertThatThrownBy(() -> provider().suspend(ref))
        .isInstanceOfSatisfying(PermanentProviderException.class, e -> assertThat(e.isNotFound()).isTrue());
    assertThat(managedWith(uid)).isEmpty();
  }
}

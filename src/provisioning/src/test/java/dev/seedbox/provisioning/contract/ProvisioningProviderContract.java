package dev.seedbox.provisioning.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.seedbox.api.v1alpha1.TorrentClient;
import dev.seedbox.hostchannel.HostBootstrap;
import dev.seedbox.keys.key.Ed25519Keys;
import dev.seedbox.provisioning.CreateRequest;
import dev.seedbox.provisioning.CreatedServer;
import dev.seedbox.provisioning.PermanentProviderException;
import dev.seedbox.provisioning.ProviderUnauthorizedException;
import dev.seedbox.provisioning.ProvisioningProvider;
import dev.seedbox.provisioning.RetryPolicy;
import dev.seedbox.provisioning.RetryableProviderException;
import dev.seedbox.provisioning.ServerInfo;
import dev.seedbox.provisioning.ServerRef;
import dev.seedbox.provisioning.ServerState;
import dev.seedbox.provisioning.VolumeInfo;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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

  /** The same cloud seen with a token the provider refuses (revoked or mistyped). */
  protected abstract ProvisioningProvider providerWithRejectedToken();

  /** Adds {@code count} of our servers, each with its volume, behind the provider's back (for pagination). */
  protected abstract void addManagedServersWithVolumes(int count);

  /** After a shutdown request the server keeps running this long while its OS goes down. */
  protected abstract void shutdownLag(Duration lag);

  /** How many power-off (hard) actions were posted so far. */
  protected abstract long powerOffsPosted();

  /** New servers stay out of listings for this many lookups; 0 makes every server show up at once. */
  protected abstract void listingLag(int lookups);

  /** Servers made by creates at the provider, adoptions not counted. */
  protected abstract long serversCreated();

  /** Large enough for several pages at every provider (DigitalOcean: 200, Hetzner: 50 per page). */
  protected static final int SEVERAL_PAGES = 230;

  protected static final long VOLUME_GB = 100;

  /** A server's first-boot setup as the operator renders it: our host key and management key, the client. */
  private static final String USER_DATA = new HostBootstrap(HostBootstrap.DEFAULT_ADMIN_USER,
      new Ed25519Keys().generate("contract").publicKey(), new Ed25519Keys().generate("contract-host"),
      List.of("qbittorrent-nox")).render();

  protected CreateRequest request(String uid) {
    return new CreateRequest(uid, size(), region(), TorrentClient.QBITTORRENT, USER_DATA);
  }

  protected CreateRequest requestWithVolume(String uid) {
    return new CreateRequest(uid, size(), region(), TorrentClient.QBITTORRENT, USER_DATA, VOLUME_GB);
  }

  private List<VolumeInfo> volumesWith(String uid) {
    return provider().listManagedVolumes().stream().filter(v -> v.seedboxUid().equals(uid)).toList();
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
  void aRunningServerReportsAPublicIpv6AddressOfItsOwn() {
    CreatedServer first = provider().create(request(newUid()));
    CreatedServer second = provider().create(request(newUid()));
    awaitState(first.ref(), ServerState.RUNNING);
    awaitState(second.ref(), ServerState.RUNNING);

    String ipv6 = provider().status(first.ref()).orElseThrow().ipv6Address().orElseThrow();
    assertThat(ipv6).as("an address, not a network").doesNotContain("/").contains(":");
    assertThatCode(() -> InetAddress.getByName(ipv6)).doesNotThrowAnyException();
    assertThat(provider().status(second.ref()).orElseThrow().ipv6Address()).isPresent().get().isNotEqualTo(ipv6);
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

  // ---- storage: the plan's volume ------------------------------------------------------------------------------

  @Test
  void aPlanWithStorageGetsOneVolumeInTheServersRegionTaggedWithTheUidAndAttachedAtCreate() {
    String uid = newUid();
    CreatedServer created = provider().create(requestWithVolume(uid));

    assertThat(created.attachedVolume()).hasValueSatisfying(v -> {
      assertThat(v.seedboxUid()).isEqualTo(uid);
      assertThat(v.attachedTo()).isEqualTo(created.ref());
    });
    assertThat(volumesWith(uid)).singleElement().satisfies(v -> {
      assertThat(v.sizeGb()).isEqualTo(VOLUME_GB);
      assertThat(v.region()).isEqualTo(region());
      assertThat(v.attachedTo()).isEqualTo(created.ref());
    });
  }

  @Test
  void aPlanWhoseStorageFitsTheServersDiskGetsNoVolume() {
    String uid = newUid();
    CreatedServer created = provider().create(request(uid));

    assertThat(created.attachedVolume()).isEmpty();
    assertThat(volumesWith(uid)).isEmpty();
  }

  @Test
  void aRetriedOrRestartedCreateAdoptsTheVolumeInsteadOfMakingASecond() {
    String uid = newUid();
    CreatedServer first = provider().create(requestWithVolume(uid));
    CreatedServer again = provider().create(requestWithVolume(uid));
    CreatedServer afterRestart = restartedProvider().create(requestWithVolume(uid));

    assertThat(again.adopted()).isTrue();
    assertThat(afterRestart.ref()).isEqualTo(first.ref());
    assertThat(afterRestart.attachedVolume().map(VolumeInfo::id)).isEqualTo(first.attachedVolume().map(VolumeInfo::id));
    assertThat(volumesWith(uid)).hasSize(1);
  }

  @Test
  void terminateDetachesAndDeletesTheVolumeWithTheServer() {
    String uid = newUid();
    ServerRef ref = provider().create(requestWithVolume(uid)).ref();
    awaitState(ref, ServerState.RUNNING);

    provider().terminate(ref);

    assertThat(provider().status(ref)).isEmpty();
    assertThat(volumesWith(uid)).isEmpty();
  }

  @Test
  void aVolumeLeftWithoutItsServerIsListedAndDeletedByUid() {
    String uid = newUid();
    ServerRef ref = provider().create(requestWithVolume(uid)).ref();
    loseServer(ref);

    assertThat(volumesWith(uid)).singleElement().satisfies(v -> assertThat(v.attachment()).isEmpty());
    assertThat(provider().terminateBySeedboxUid(uid)).isZero();
    assertThat(volumesWith(uid)).isEmpty();
  }

  @Test
  void listingsReadEveryPageOfServersAndVolumes() {
    addManagedServersWithVolumes(SEVERAL_PAGES);

    assertThat(provider().listManaged()).hasSizeGreaterThanOrEqualTo(SEVERAL_PAGES)
        .extracting(ServerInfo::ref).doesNotHaveDuplicates();
    assertThat(provider().listManagedVolumes()).hasSizeGreaterThanOrEqualTo(SEVERAL_PAGES)
        .extracting(VolumeInfo::id).doesNotHaveDuplicates();
  }

  // ---- duplicates -------------------------------------------------------------------------------------------------

  @Test
  void concurrentCreatesForOneUidMakeOneServerAndOneVolume() throws Exception {
    String uid = newUid();
    int threads = 4;
    CountDownLatch start = new CountDownLatch(1);
    List<Throwable> refusals = new CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<ServerRef>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(pool.submit(() -> {
          start.await();
          try {
            return provider().create(requestWithVolume(uid)).ref();
          } catch (RetryableProviderException e) {
            refusals.add(e);
            return null;
          }
        }));
      }
      start.countDown();
      Set<ServerRef> refs = new java.util.HashSet<>();
      for (Future<ServerRef> result : results) {
        ServerRef ref = result.get(30, TimeUnit.SECONDS);
        if (ref != null) {
          refs.add(ref);
        }
      }
      assertThat(refs).hasSize(1);
      assertThat(refusals).allSatisfy(e -> assertThat(((RetryableProviderException) e).reason())
          .isEqualTo(RetryableProviderException.Cause.BUSY));
    } finally {
      pool.shutdownNow();
    }
    assertThat(managedWith(uid)).hasSize(1);
    assertThat(serversCreated()).isEqualTo(1);
    assertThat(volumesWith(uid)).hasSize(1);
  }

  @Test
  void aCreateAnswerLostBehindALaggingListingPostsNoSecondCreateUntilTheServerShowsUp() {
    String uid = newUid();
    loseNextCreateAnswer();
    listingLag(1_000);

    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        provider().create(request(uid));
      } catch (RetryableProviderException e) {
        // the caller retries later; what matters is that no attempt posts a second create
      }
    }
    assertThat(serversCreated()).isEqualTo(1);

    listingLag(0);
    CreatedServer found = provider().create(request(uid));
    assertThat(found.adopted()).isTrue();
    assertThat(managedWith(uid)).extracting(ServerInfo::ref).containsExactly(found.ref());
    assertThat(serversCreated()).isEqualTo(1);
  }

  // ---- suspension -------------------------------------------------------------------------------------------------

  @Test
  void suspendWaitsForTheServerToBeOffInsteadOfCuttingThePower() {
    ServerRef ref = provider().create(request(newUid())).ref();
    awaitState(ref, ServerState.RUNNING);
    shutdownLag(Duration.ofMillis(150));

    provider().suspend(ref);

    assertThat(provider().status(ref)).map(ServerInfo::state).contains(ServerState.OFF);
    assertThat(powerOffsPosted()).as("a shutdown that takes its time is not cut short").isZero();
  }

  // ---- credentials the provider refuses -----------------------------------------------------------------------

  @Test
  void aRefusedTokenIsTheOperatorsUnauthorizedErrorNotTheCustomersAndIsNotRepeatedInTheCall() {
    String uid = newUid();
    ProvisioningProvider refused = providerWithRejectedToken();
    sleeper.clear();

    assertThatThrownBy(refused::listManaged).isInstanceOf(ProviderUnauthorizedException.class);
    assertThatThrownBy(() -> refused.create(requestWithVolume(uid)))
        .isInstanceOfSatisfying(ProviderUnauthorizedException.class, e -> {
          assertThat(e.httpStatus()).isIn(401, 403);
          assertThat(e.providerMessage()).isNotBlank();
        });
    assertThat(sleeper.waits()).as("an unauthorized answer is not retried inside the call").isEmpty();
  }
}

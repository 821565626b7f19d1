package dev.seedbox.provisioning.digitalocean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.seedbox.api.v1alpha1.TorrentClient;
import dev.seedbox.provisioning.CreateRequest;
import dev.seedbox.provisioning.CreatedServer;
import dev.seedbox.provisioning.ServerRef;
import dev.seedbox.provisioning.ProviderUnauthorizedException;
import dev.seedbox.provisioning.RetryPolicy;
import dev.seedbox.provisioning.RetryableProviderException;
import dev.seedbox.provisioning.ServerInfo;
import dev.seedbox.provisioning.ServerState;
import dev.seedbox.provisioning.contract.CloudTestTuning;
import dev.seedbox.provisioning.contract.FakeCloudApi.LostAnswer;
import dev.seedbox.provisioning.contract.FakeDigitalOcean;
import dev.seedbox.provisioning.contract.RecordingSleeper;
import dev.seedbox.provisioning.contract.SettableClock;
import dev.seedbox.provisioning.http.CloudTuning;
import java.time.Instant;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** DigitalOcean behaviour beyond the shared contract. */
class DigitalOceanProviderTest {

  private static final String TOKEN = "do-test-token";
  private static final RetryPolicy RETRY =
      new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(30));

  private final RecordingSleeper sleeper = new RecordingSleeper();
  private final FakeDigitalOcean fake = new FakeDigitalOcean(TOKEN);
  private final DigitalOceanProvider provider =
      new DigitalOceanProvider(fake.baseUrl(), TOKEN, CloudTestTuning.with(RETRY, sleeper));

  @AfterEach
  void stop() {
    fake.close();
  }

  private static CreateRequest request(String uid) {
    return new CreateRequest(uid, "s-1vcpu-1gb", "nyc1", TorrentClient.QBITTORRENT, "#cloud-config\n{}\n");
  }

  @ParameterizedTest
  @EnumSource(LostAnswer.class)
  void aCreateAnswerLostAnyWayIsFoundByTagInsteadOfCreatingAgain(LostAnswer how) {
    String uid = UUID.randomUUID().toString();
    fake.loseNextCreateAnswer(how);
    fake.listingLag(2); // the new droplet shows up in tag listings only on the third look

    CreatedServer created = provider.create(request(uid));

    assertThat(created.adopted()).isTrue();
    assertThat(created.server().seedboxUid()).isEqualTo(uid);
    assertThat(fake.createdCount()).isEqualTo(1);
    assertThat(provider.create(request(uid)).ref()).isEqualTo(created.ref());
    assertThat(fake.createdCount()).isEqualTo(1);
  }

  @Test
  void aLostAnswerWhoseDropletNeverShowsUpFailsRetryablyWithoutASecondPost() {
    fake.loseNextCreateAnswer(LostAnswer.SERVER_ERROR);
    fake.listingLag(100);

    assertThatThrownBy(() -> provider.create(request(UUID.randomUUID().toString())))
        .isInstanceOfSatisfying(RetryableProviderException.class,
            e -> assertThat(e.getMessage()).contains("the next create searches again"));
    assertThat(fake.createdCount()).isEqualTo(1);
  }

  @Test
  void tagsHoldTheUidAndTheManagedMarkerInDigitalOceansAlphabet() {
    String uid = UUID.randomUUID().toString();
    provider.create(request(uid));

    assertThat(DigitalOceanProvider.uidTag(uid)).matches("[A-Za-z0-9:_-]+").isEqualTo("seedbox-uid:" + uid);
    assertThat(provider.listManaged()).extracting(ServerInfo::seedboxUid).containsExactly(uid);
  }

  @Test
  void suspendPowersOffADropletThatIgnoresTheGracefulShutdown() {
    var ref = provider.create(request(UUID.randomUUID().toString())).ref();
    fake.shutdownHangs(true);

    provider.suspend(ref);

    assertThat(provider.status(ref)).map(ServerInfo::state).contains(ServerState.OFF);
    assertThat(sleeper.waits().stream().mapToLong(Duration::toMillis).sum())
        .as("waited for the shutdown timeout before powering off").isGreaterThanOrEqualTo(10_000);
  }

  @Test
  void listManagedReadsEveryPage() {
    for (int i = 0; i < 205; i++) {
      fake.addDroplet("d" + i, List.of(DigitalOceanProvider.MANAGED_TAG, DigitalOceanProvider.uidTag("uid-" + i)));
    }

    assertThat(provider.listManaged()).hasSize(205).extracting(s -> s.ref().id()).doesNotHaveDuplicates();
  }

  @Test
  void aWrongTokenIsAnUnauthorizedFailureThatDoesNotShowTheToken() {
    DigitalOceanProvider wrong =
        new DigitalOceanProvider(fake.baseUrl(), "not-the-token", CloudTestTuning.with(RETRY, sleeper));

    assertThatThrownBy(wrong::listManaged)
        .isInstanceOfSatisfying(ProviderUnauthorizedException.class, e -> {
          assertThat(e.httpStatus()).isEqualTo(401);
          assertThat(e.providerCode()).isEqualTo("unauthorized");
          assertThat(e.getMessage()).doesNotContain("not-the-token");
        });
  }

  @Test
  void aRateLimitLongerThanTheCallMayWaitGoesToTheCallerWithTheWait() {
    fake.rateLimitNext(1, 600);

    assertThatThrownBy(provider::listManaged)
        .isInstanceOfSatisfying(RetryableProviderException.class, e -> {
          assertThat(e.reason()).isEqualTo(RetryableProviderException.Cause.RATE_LIMITED);
          assertThat(e.retryAfter()).contains(Duration.ofSeconds(600));
        });
    assertThat(sleeper.waits()).isEmpty();
  }

  @Test
  void aSuspendDuringAHungShutdownIsBusyWithDigitalOceansMessageAndSucceedsOnALaterTry() {
    ServerRef ref = provider.create(request(UUID.randomUUID().toString())).ref();
    fake.nextShutdownHangs();

    assertThatThrownBy(() -> provider.suspend(ref))
        .isInstanceOfSatisfying(RetryableProviderException.class, e -> {
          assertThat(e.reason()).isEqualTo(RetryableProviderException.Cause.BUSY);
          assertThat(e.getMessage()).contains(FakeDigitalOcean.PENDING_EVENT_MESSAGE)
              .contains("did not reach 'off' within PT10S (the shutdown action was still running)");
        });
    assertThat(fake.actionsPosted()).containsExactly("shutdown");

    fake.endHungShutdowns();
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).ignoreExceptionsInstanceOf(
        RetryableProviderException.class).untilAsserted(() -> {
          provider.suspend(ref);
          assertThat(provider.status(ref)).map(ServerInfo::state).contains(ServerState.OFF);
        });
  }

  @Test
  void aPendingEventAnswerIsBusyAndEveryOther422IsPermanent() {
    assertThat(DigitalOceanProvider.classify(422, new dev.seedbox.provisioning.http.ProviderError(
        "unprocessable_entity", FakeDigitalOcean.PENDING_EVENT_MESSAGE)))
        .isEqualTo(dev.seedbox.provisioning.http.ErrorClassifier.Refusal.BUSY);
    assertThat(DigitalOceanProvider.classify(422, new dev.seedbox.provisioning.http.ProviderError(
        "unprocessable_entity", FakeDigitalOcean.INVALID_REGION_MESSAGE)))
        .isEqualTo(dev.seedbox.provisioning.http.ErrorClassifier.Refusal.PERMANENT);
  }

  @Test
  void aReadOnlyTokenIsUnauthorizedForWritesWithDigitalOceansMessage() {
    fake.acceptReadOnlyToken("read-only-token");
    DigitalOceanProvider readOnly =
        new DigitalOceanProvider(fake.baseUrl(), "read-only-token", CloudTestTuning.with(RETRY, sleeper));

    assertThat(readOnly.listManaged()).isEmpty();
    assertThatThrownBy(() -> readOnly.create(request(UUID.randomUUID().toString())))
        .isInstanceOfSatisfying(ProviderUnauthorizedException.class, e -> {
          assertThat(e.httpStatus()).isEqualTo(403);
          assertThat(e.providerMessage()).isEqualTo(FakeDigitalOcean.FORBIDDEN_MESSAGE);
        });
  }

  @Test
  void afterALostAnswerNoSecondCreateIsPostedWithinTheWindowAndOneIsAfterIt() {
    SettableClock clock = new SettableClock(Instant.parse("2026-12-01T10:00:00Z"));
    CloudTuning base = CloudTestTuning.with(RETRY, sleeper);
    CloudTuning tuning = new CloudTuning(base.requestTimeout(), base.retry(), base.shutdownTimeout(),
        base.actionTimeout(), base.actionPollInterval(), base.lostAnswerSearches(), Duration.ofMinutes(10), sleeper,
        clock);
    DigitalOceanProvider windowed = new DigitalOceanProvider(fake.baseUrl(), TOKEN, tuning);
    String uid = UUID.randomUUID().toString();
    fake.loseNextCreateAnswer(LostAnswer.SERVER_ERROR);
    fake.listingLag(1_000_000);

    assertThatThrownBy(() -> windowed.create(request(uid))).isInstanceOf(RetryableProviderException.class);
    clock.advance(Duration.ofMinutes(9));
    assertThatThrownBy(() -> windowed.create(request(uid)))
        .isInstanceOfSatisfying(RetryableProviderException.class,
            e -> assertThat(e.getMessage()).contains("no second create before 2026-12-01T10:10:00Z"));
    assertThat(fake.createdCount()).isEqualTo(1);

    clock.advance(Duration.ofMinutes(2));
    windowed.create(request(uid));
    assertThat(fake.createdCount()).as("the window has passed and the server never showed up").isEqualTo(2);
  }

  @Test
  void twoDropletsCarryingOneUidAreReportedAndTheNewerIsDeleted() {
    String uid = UUID.randomUUID().toString();
    List<String> tags = List.of(DigitalOceanProvider.MANAGED_TAG, DigitalOceanProvider.uidTag(uid));
    long older = fake.addDroplet("seedbox-" + uid, tags);
    long newer = fake.addDroplet("seedbox-" + uid, tags);

    CreatedServer adopted = provider.create(request(uid));

    assertThat(adopted.ref().id()).isEqualTo(older);
    assertThat(adopted.duplicatesDeleted()).extracting(ServerRef::id).containsExactly(newer);
    assertThat(provider.listManaged()).extracting(s -> s.ref().id()).containsExactly(older);
    assertThat(fake.createdCount()).isZero();
  }

  @Test
  void theVolumeIsCreatedWithTheUidTagsAndPassedInTheDropletCreate() {
    String uid = UUID.randomUUID().toString();
    CreatedServer created = provider.create(new CreateRequest(uid, "s-1vcpu-1gb", "nyc1", TorrentClient.QBITTORRENT,
        "#cloud-config\n{}\n", 1000));

    assertThat(created.attachedVolume()).hasValueSatisfying(v -> {
      assertThat(v.sizeGb()).isEqualTo(1000);
      assertThat(v.region()).isEqualTo("nyc1");
    });
    assertThat(fake.volumeCount()).isEqualTo(1);
    assertThat(fake.actionsPosted()).as("attached by the create itself, not by a later action")
        .doesNotContain("attach_volume");
  }
}

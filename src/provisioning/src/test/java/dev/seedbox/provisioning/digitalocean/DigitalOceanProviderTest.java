package dev.seedbox.provisioning.digitalocean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seedbox.api.v1alpha1.TorrentClient;
import dev.seedbox.provisioning.CreateRequest;
import dev.seedbox.provisioning.CreatedServer;
import dev.seedbox.provisioning.ProviderUnauthorizedException;
import dev.seedbox.provisioning.RetryPolicy;
import dev.seedbox.provisioning.RetryableProviderException;
import dev.seedbox.provisioning.ServerInfo;
import dev.seedbox.provisioning.ServerState;
import dev.seedbox.provisioning.contract.CloudTestTuning;
import dev.seedbox.provisioning.contract.FakeCloudApi.LostAnswer;
import dev.seedbox.provisioning.contract.FakeDigitalOcean;
import dev.seedbox.provisioning.contract.RecordingSleeper;
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
}

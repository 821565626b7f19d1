package dev.seedbox.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.seedbox.billing.cycle.BillingWorker;
import dev.seedbox.billing.cycle.PendingPaymentPoll;
import dev.seedbox.billing.gateway.CoinPayPortalClient;
import dev.seedbox.billing.gateway.CoinPayPortalGateway;
import dev.seedbox.billing.webhook.WebhookEvent;
import dev.seedbox.billing.webhook.WebhookVerifier;
import dev.seedbox.ledger.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The poll that repairs missed webhooks, on a hand-moved clock against the sandbox gateway: bounded, oldest first,
 * paced, giving up after the gateway's expiry, on its own thread.
 */
class PendingPaymentPollTest {

  private static final MutableClock CLOCK = MutableClock.at("2025-06-01T12:00:00Z");

  @RegisterExtension
  static final RunningBillingController billing = new RunningBillingController(8).clock(CLOCK);

  private static int accounts;
  private String account;

  @BeforeEach
  void nothingElsePendingAndAFreshAccount() {
    // earlier tests' payments would share the walk; each test starts from a clean backlog
    billing.superuser().useHandle(h -> h.execute("UPDATE seedbox_payments SET status = 'expired' "
        + "WHERE status = 'pending'"));
    account = "poll-" + (++accounts);
    RunningBillingController.openAccount(billing.ledger(), "uid-" + account, account);
  }

  private PendingPaymentPoll poll(int batch, int perMinute) {
    CoinPayPortalGateway gateway = new CoinPayPortalGateway(new CoinPayPortalClient(billing.gateway.baseUrl(),
        RunningBillingController.API_KEY, RunningBillingController.BUSINESS_ID, Duration.ofSeconds(2)),
        new WebhookVerifier(RunningBillingController.SECRET, null, CLOCK), RunningBillingController.BUSINESS_ID);
    return new PendingPaymentPoll(billing.app.ledger().pendingPayments(), List.of(gateway),
        billing.app.ledger().paymentEvents(), CLOCK, new PendingPaymentPoll.Settings(Duration.ofMinutes(15),
            Duration.ofHours(1), batch, perMinute, Duration.ofMinutes(10), Duration.ofDays(2)),
        RunningBillingController.BUSINESS_ID, new SimpleMeterRegistry());
  }

  @Test
  void aWebhookThatNeverArrivesIsRepairedByThePollAndTheLateOneCreditsNothingMore() {
    String paid = billing.openedTopUp(account, account + "-1", "20.00");
    String unpaid = billing.openedTopUp(account, account + "-2", "30.00");
    billing.gateway.setStatus(paid, "confirmed");

    assertThat(billing.app.poll().runOnce().repaired()).as("not pending long enough yet").isZero();
    CLOCK.advance(Duration.ofMinutes(16));
    PendingPaymentPoll.Run run = billing.app.poll().runOnce();

    assertThat(run.repaired()).isOne();
    assertThat(billing.balance("uid-" + account)).isEqualTo(2000);
    assertThat(billing.app.poll().runOnce().repaired()).isZero();
    String late = billing.gateway.webhook(WebhookEvent.CONFIRMED, paid).sendTo(billing.webhookUrl()).body();
    assertThat(late).contains("already_processed");
    assertThat(billing.balance("uid-" + account)).isEqualTo(2000);
    assertThat(billing.count("SELECT count(*) FROM seedbox_payments WHERE gateway_payment_id = ? "
        + "AND status = 'pending'", unpaid)).isOne();
    assertThat(billing.metrics()).containsPattern("seedbox_billing_poll_repaired_total [1-9]")
        .containsPattern("seedbox_billing_poll_polled_total [1-9]");
  }

  @Test
  void eachRunAsksAboutABoundedBatchOldestFirstAndTheNextRunContinuesWhereItStopped() {
    List<String> opened = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      opened.add(billing.openedTopUp(account, account + "-" + i, "5.00"));
      CLOCK.advance(Duration.ofSeconds(1));
    }
    CLOCK.advance(Duration.ofMinutes(16));
    PendingPaymentPoll poll = poll(3, 60_000);
    int before = billing.gateway.asked().size();

    assertThat(poll.runOnce().polled()).isEqualTo(3);
    assertThat(poll.runOnce().polled()).isEqualTo(3);
    assertThat(poll.runOnce().polled()).isOne();
    List<String> asked = billing.gateway.asked().subList(before, billing.gateway.asked().size());
    assertThat(asked).containsExactlyElementsOf(opened);
    // the walk starts over once it reached the newest
    assertThat(poll.runOnce().polled()).isEqualTo(3);
    assertThat(billing.gateway.asked().subList(before + 7, before + 10)).containsExactlyElementsOf(opened.subList(0, 3));
  }

  @Test
  void gatewayCallsArePacedBelowTheConfiguredRate() {
    for (int i = 0; i < 4; i++) {
      billing.openedTopUp(account, account + "-" + i, "5.00");
    }
    CLOCK.advance(Duration.ofMinutes(16));
    int before = billing.gateway.askedAtNanos().size();
    long started = System.nanoTime();

    assertThat(poll(10, 300).runOnce().polled()).isEqualTo(4);

    // 300 a minute: one call every 200 ms, so four take at least three gaps
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isGreaterThanOrEqualTo(600);
    List<Long> at = billing.gateway.askedAtNanos().subList(before, before + 4);
    // the first call also opens the connection, so arrivals are compared from the second on
    for (int i = 2; i < at.size(); i++) {
      assertThat(TimeUnit.NANOSECONDS.toMillis(at.get(i) - at.get(i - 1))).isGreaterThanOrEqualTo(150);
    }
  }

  @Test
  void aPaymentStillPendingPastTheGatewaysExpiryPlusTheMarginIsGivenUpWithAnAuditEvent() {
    String stuck = billing.openedTopUp(account, account + "-stuck", "5.00");
    // the sandbox expires its payments an hour after creation; the margin here is ten minutes
    CLOCK.advance(Duration.ofMinutes(65));
    PendingPaymentPoll poll = poll(10, 60_000);
    assertThat(poll.runOnce().givenUp()).as("within the margin").isZero();
    CLOCK.advance(Duration.ofMinutes(10));

    assertThat(poll.runOnce().givenUp()).isOne();
    assertThat(billing.count("SELECT count(*) FROM seedbox_payments WHERE gateway_payment_id = ? "
        + "AND status = 'expired'", stuck)).isOne();
    assertThat(billing.count("SELECT count(*) FROM seedbox_audit_events WHERE action = 'payment.poll-given-up'"))
        .isPositive();
    int asked = billing.gateway.asked().size();
    poll.runOnce();
    assertThat(billing.gateway.asked()).hasSize(asked);
    // a late payment still credits
    billing.gateway.setStatus(stuck, "confirmed");
    assertThat(billing.gateway.webhook(WebhookEvent.CONFIRMED, stuck).sendTo(billing.webhookUrl()).body())
        .contains("credited");
  }

  @Test
  void oneSummaryLinePerRunHoweverManyCallsFail() {
    for (int i = 0; i < 3; i++) {
      billing.openedTopUp(account, account + "-" + i, "5.00");
    }
    CLOCK.advance(Duration.ofMinutes(16));
    Logger logger = (Logger) LoggerFactory.getLogger(PendingPaymentPoll.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    billing.gateway.failWith(503);
    try {
      PendingPaymentPoll.Run run = poll(10, 60_000).runOnce();
      assertThat(run.failed()).isEqualTo(3);
    } finally {
      billing.gateway.healthy();
      logger.detachAppender(lines);
    }
    assertThat(lines.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))).singleElement()
        .satisfies(e -> assertThat(e.getFormattedMessage()).contains("3 gateway calls failed"));
  }

  @Test
  void aSlowPollDelaysNeitherTheBillingCycleNorTheSealer() throws Exception {
    for (int i = 0; i < 3; i++) {
      billing.openedTopUp(account, account + "-" + i, "5.00");
    }
    CLOCK.advance(Duration.ofMinutes(16));
    billing.gateway.delay(Duration.ofMillis(700));
    try {
      CompletableFuture<PendingPaymentPoll.Run> polling = CompletableFuture.supplyAsync(() -> poll(10, 60_000)
          .runOnce());
      long started = System.nanoTime();
      BillingWorker.Run cycle = billing.app.worker().runOnce();
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

      assertThat(cycle.cycle()).isPresent();
      assertThat(tookMillis).isLessThan(1500);
      assertThat(polling).isNotDone();
      assertThat(polling.get(30, TimeUnit.SECONDS).polled()).isEqualTo(3);
    } finally {
      billing.gateway.healthy();
    }
  }

  @Test
  void aPaymentTheGatewayNeverAnswersForIsGivenUpAtTheMaximumAge() {
    String unanswered = billing.openedTopUp(account, account + "-silent", "5.00");
    billing.gateway.failWith(503);
    try {
      CLOCK.advance(Duration.ofDays(2).plusMinutes(1));

      PendingPaymentPoll.Run run = poll(10, 60_000).runOnce();

      assertThat(run.givenUp()).isOne();
      assertThat(run.polled()).isZero();
      assertThat(billing.count("SELECT count(*) FROM seedbox_payments WHERE gateway_payment_id = ? "
          + "AND status = 'expired'", unanswered)).isOne();
    } finally {
      billing.gateway.healthy();
    }
  }

  @Test
  void oneReplicaPollsAtATime() {
    billing.openedTopUp(account, account + "-lease", "5.00");
    CLOCK.advance(Duration.ofMinutes(16));
    int asked = billing.gateway.asked().size();

    try (var held = billing.app.ledger().pendingPayments().lease().orElseThrow()) {
      assertThat(poll(10, 60_000).runOnce().skipped()).isTrue();
      assertThat(billing.gateway.asked()).hasSize(asked);
    }
    assertThat(poll(10, 60_000).runOnce().skipped()).isFalse();
    assertThat(billing.gateway.asked()).hasSize(asked + 1);
  }

  /** The poll's lease is a row only the billing role can take: the operator's role can neither take nor block it. */
  @Test
  void theOperatorRoleCanNeitherTakeNorBlockThePollsLease() throws Exception {
    billing.openedTopUp(account, account + "-unblocked", "5.00");
    CLOCK.advance(Duration.ofMinutes(16));
    int asked = billing.gateway.asked().size();
    try (Connection operator = billing.db.operator().getConnection(); Statement sql = operator.createStatement()) {
      assertThatThrownBy(() -> sql.execute(
          "SELECT seedbox_take_lease('pending-payment-poll', 'intruder', interval '1 hour')"))
          .hasMessageContaining("permission denied");
      // any role can hold any advisory key, which is why the poll no longer uses one
      sql.execute("SELECT pg_advisory_lock(" + 0x5eedb0a3 + ", 1)");

      assertThat(poll(10, 60_000).runOnce().skipped()).isFalse();
      assertThat(billing.gateway.asked()).hasSizeGreaterThan(asked);
    }
  }
}

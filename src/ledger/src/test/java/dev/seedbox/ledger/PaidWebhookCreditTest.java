package dev.seedbox.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seedbox.ledger.payments.Payment;
import dev.seedbox.ledger.payments.PaymentStatus;
import dev.seedbox.ledger.testing.PostgresDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** The one-call webhook credit ({@code seedbox_credit_paid_webhook}, V2) and its edge cases, on real PostgreSQL. */
class PaidWebhookCreditTest {

  @RegisterExtension
  static final PostgresDatabase DB = new PostgresDatabase(12);
  private static final Duration PERIOD = Duration.ofDays(30);

  LedgerTestSupport t;

  @BeforeEach
  void setUp() {
    t = new LedgerTestSupport(DB, "2026-02-01T00:00:00Z");
  }

  private Payment payment(String account, long cents) {
    return t.payment(account, cents);
  }

  private PaymentCredit credit(String gatewayId, String type, String eventId) {
    return t.module.jdbi().inTransaction(h -> t.ledger().creditPaidWebhook(h, null, gatewayId, type, eventId,
        "billing-controller"));
  }

  private long count(String sql, Object... args) {
    return t.count(sql, args);
  }

  @Test
  void creditsOurRowsAmountOnceThenAnswersAlreadyProcessedForTheSameType() {
    String account = t.openAccount(0, 7);
    Payment p = payment(account, 2_500);
    Instant paidAt = t.clock.advance(Duration.ofMinutes(5));

    PaymentCredit first = credit(p.gatewayPaymentId(), "payment.confirmed", "evt-1");
    PaymentCredit again = credit(p.gatewayPaymentId(), "payment.confirmed", "evt-1-resent");

    assertThat(first).isInstanceOfSatisfying(PaymentCredit.Credited.class, c -> {
      assertThat(c.paymentId()).isEqualTo(p.id());
      assertThat(c.accountUid()).isEqualTo(account);
      assertThat(c.amountCents()).isEqualTo(2_500);
      assertThat(c.balanceAfterCents()).isEqualTo(2_500);
    });
    assertThat(again).isEqualTo(new PaymentCredit.AlreadyProcessed(p.id()));
    assertThat(t.ledger().balance(account)).isEqualTo(2_500);
    assertThat(t.ledger().entry("topup:" + p.id())).get().satisfies(e -> {
      assertThat(e.paymentKey()).isEqualTo(p.id().toString());
      assertThat(e.actor()).isEqualTo("billing-controller");
      assertThat(e.occurredAt()).isEqualTo(paidAt);
    });
    assertThat(t.module.payments().byId(p.id()).orElseThrow().status()).isEqualTo(PaymentStatus.CREDITED);
    AccountSnapshot s = t.ledger().account(account).orElseThrow();
    assertThat(s.lastTopUpAt()).isEqualTo(paidAt);
    assertThat(s.lastTopUpCents()).isEqualTo(2_500);
    assertThat(t.auditCount("ledger.top-up", "billingaccount:" + account)).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM seedbox_audit_events WHERE action = 'ledger.top-up' AND resource = ?"
        + " AND detail = jsonb_build_object('paymentKey', ?, 'amountCents', 2500, 'balanceCents', 2500)",
        "billingaccount:" + account, p.id().toString())).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM seedbox_webhook_events WHERE payment_id = ?", p.gatewayPaymentId()))
        .isEqualTo(1);
    t.assertBalanceIsSumOfEntries(account);
  }

  @Test
  void anotherPaidTypeForACreditedRowIsRecordedAndCreditsNothingMore() {
    String account = t.openAccount(0, 7);
    Payment p = payment(account, 1_000);
    credit(p.gatewayPaymentId(), "payment.confirmed", "evt-1");

    PaymentCredit forwarded = credit(p.gatewayPaymentId(), "payment.forwarded", "evt-2");

    assertThat(forwarded).isInstanceOfSatisfying(PaymentCredit.Replayed.class,
        r -> assertThat(r.amountCents()).isEqualTo(1_000));
    assertThat(t.ledger().balance(account)).isEqualTo(1_000);
    assertThat(t.auditCount("ledger.top-up", "billingaccount:" + account)).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM seedbox_webhook_events WHERE payment_id = ?", p.gatewayPaymentId()))
        .as("the forwarded event is deduped from now on").isEqualTo(2);
    assertThat(t.module.payments().byId(p.id()).orElseThrow().status()).isEqualTo(PaymentStatus.CREDITED);
  }

  @Test
  void anUnknownGatewayPaymentWritesNothing() {
    PaymentCredit answer = credit("gw-nobody-" + UUID.randomUUID(), "payment.confirmed", "evt-x");

    assertThat(answer).isInstanceOf(PaymentCredit.UnknownPayment.class);
    assertThat(count("SELECT count(*) FROM seedbox_webhook_events WHERE event_id = 'evt-x'"))
        .as("an unmatched event must not be swallowed by dedupe").isZero();
  }

  @Test
  void aKeyAlreadyTakenWithAnotherPayloadIsRefusedAndRollsBackTheDedupeRow() {
    String account = t.openAccount(0, 7);
    String other = t.openAccount(0, 7);
    Payment p = payment(account, 1_000);
    // another account's entry under this row's key: only the schema owner could write it by hand
    LedgerTestSupport.handMadeTopUp(DB, other, "topup:" + p.id(), 700);

    assertThatThrownBy(() -> credit(p.gatewayPaymentId(), "payment.confirmed", "evt-1"))
        .isInstanceOf(IdempotencyConflictException.class)
        .hasMessageContaining("topup:" + p.id())
        .hasMessageContaining(other);

    assertThat(t.ledger().balance(account)).isZero();
    assertThat(count("SELECT count(*) FROM seedbox_webhook_events WHERE payment_id = ?", p.gatewayPaymentId()))
        .isZero();
    assertThat(t.module.payments().byId(p.id()).orElseThrow().status()).isEqualTo(PaymentStatus.PENDING);
  }

  @Test
  void aLateConfirmedAfterExpiredCreditsAndAMatchByOurIdWorksWithoutAGatewayLookup() {
    String account = t.openAccount(0, 7);
    Payment p = payment(account, 1_200);
    t.module.jdbi().useTransaction(h -> t.module.payments().markStatus(h, p.id(), PaymentStatus.EXPIRED));

    PaymentCredit late = t.module.jdbi().inTransaction(h -> t.ledger().creditPaidWebhook(h, p.id(),
        "gw-second-" + p.id(), "payment.confirmed", "evt-late", "billing-controller"));

    assertThat(late).isInstanceOf(PaymentCredit.Credited.class);
    assertThat(t.module.payments().byId(p.id()).orElseThrow().status()).isEqualTo(PaymentStatus.CREDITED);
    assertThat(t.ledger().balance(account)).isEqualTo(1_200);
  }

  @Test
  void aCreditToASuspendedAccountSettlesItInTheSameTransaction() {
    LedgerTestSupport.Suspended suspended = t.suspendedAccount(1_000, PERIOD);
    String account = suspended.account();
    String seedbox = suspended.seedbox();
    Payment p = payment(account, 1_500);

    Instant paidAt = t.clock.advance(Duration.ofDays(2));
    assertThat(credit(p.gatewayPaymentId(), "payment.confirmed", "evt-1")).isInstanceOf(PaymentCredit.Credited.class);

    SeedboxRecord row = t.seedboxes().seedbox(seedbox).orElseThrow();
    assertThat(row.billingHold()).isFalse();
    assertThat(row.chargeCount()).isEqualTo(2);
    assertThat(row.paidThrough()).isEqualTo(paidAt.plus(PERIOD));
    assertThat(t.ledger().account(account).orElseThrow().state()).isEqualTo(AccountStanding.ACTIVE);
    assertThat(t.ledger().balance(account)).isEqualTo(500);
    t.assertBalanceIsSumOfEntries(account);
  }

  @Test
  void aCreditThatLiftsTheBalanceOverTheThresholdTurnsTheAccountActive() {
    String account = t.openAccount(1_000, 7);
    assertThat(t.ledger().account(account).orElseThrow().state()).isEqualTo(AccountStanding.LOW_BALANCE);
    Payment small = payment(account, 400);
    Payment big = payment(account, 900);

    credit(small.gatewayPaymentId(), "payment.confirmed", "evt-1");
    assertThat(t.ledger().account(account).orElseThrow().state()).isEqualTo(AccountStanding.LOW_BALANCE);
    credit(big.gatewayPaymentId(), "payment.confirmed", "evt-2");

    assertThat(t.ledger().account(account).orElseThrow().state()).isEqualTo(AccountStanding.ACTIVE);
    assertThat(count("SELECT count(*) FROM seedbox_billing_accounts WHERE uid = ? AND NOT below_threshold", account))
        .isEqualTo(1);
  }

  @Test
  void aCreditWithNothingToSettleStillNotifies() throws Exception {
    String account = t.openAccount(0, 7);
    Payment p = payment(account, 300);
    try (Connection listener = DriverManager.getConnection(DB.jdbcUrl(PostgresDatabase.RUNTIME_ROLE),
        PostgresDatabase.RUNTIME_ROLE, PostgresDatabase.PASSWORD);
        Statement s = listener.createStatement()) {
      s.execute("LISTEN " + LedgerNotifications.CHANNEL);

      credit(p.gatewayPaymentId(), "payment.confirmed", "evt-1");

      List<String> payloads = new ArrayList<>();
      PGNotification[] got = listener.unwrap(PGConnection.class).getNotifications(10_000);
      for (PGNotification n : got == null ? new PGNotification[0] : got) {
        payloads.add(n.getParameter());
      }
      assertThat(payloads).contains(account);
    }
  }

  @Test
  void concurrentPaidEventsOfBothTypesCreditTheRowOnce() throws Exception {
    String account = t.openAccount(0, 7);
    Payment p = payment(account, 1_000);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<PaymentCredit>> answers = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String type = i % 2 == 0 ? "payment.confirmed" : "payment.forwarded";
        String event = "evt-" + i;
        answers.add(pool.submit(() -> credit(p.gatewayPaymentId(), type, event)));
      }
      int credited = 0;
      for (Future<PaymentCredit> a : answers) {
        credited += a.get() instanceof PaymentCredit.Credited ? 1 : 0;
      }
      assertThat(credited).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(t.ledger().balance(account)).isEqualTo(1_000);
    assertThat(count("SELECT count(*) FROM seedbox_webhook_events WHERE payment_id = ?", p.gatewayPaymentId()))
        .isEqualTo(2);
    t.assertBalanceIsSumOfEntries(account);
  }

  @Test
  void theFunctionIsTheOwnersWithAPinnedSearchPathAndOnlyTheBillingRoleMayCallIt() {
    LedgerTestSupport.assertOwnerDefinedAndPinned(t, "seedbox_credit_paid_webhook", PostgresDatabase.BILLING_ROLE,
        PostgresDatabase.OPERATOR_ROLE);
  }
}

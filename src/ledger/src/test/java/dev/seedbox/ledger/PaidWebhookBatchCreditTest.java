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
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Group commit of paid webhooks ({@code seedbox_credit_paid_webhooks}, V3): each credited item must leave exactly the
 * rows the one-call credit (V2) leaves, and everything unusual must be left to V2 with nothing written.
 */
class PaidWebhookBatchCreditTest {

  @RegisterExtension
  static final PostgresDatabase DB = new PostgresDatabase(12);
  private static final Duration PERIOD = Duration.ofDays(30);
  private static final String ACTOR = "billing-controller";

  LedgerTestSupport t;

  @BeforeEach
  void setUp() {
    t = new LedgerTestSupport(DB, "2026-02-01T00:00:00Z");
  }

  private Payment payment(String account, long cents) {
    return t.payment(account, cents);
  }

  private static PaidWebhook confirmed(Payment p, String eventId) {
    return new PaidWebhook(p.gatewayPaymentId(), "payment.confirmed", eventId);
  }

  private List<PaymentCredit> batch(List<PaidWebhook> webhooks) {
    return t.module.jdbi().inTransaction(h -> t.ledger().creditPaidWebhooks(h, webhooks, ACTOR));
  }

  private long count(String sql, Object... args) {
    return t.count(sql, args);
  }

  @Test
  void creditsEveryItemWithTheRowsTheOneCallCreditWritesAndChainsEachAccountsBalance() {
    String a = t.openAccount(0, 7);
    String b = t.openAccount(0, 7);
    t.ledger().creditTopUp(a, a + "-first", 100, "test");
    Payment a1 = payment(a, 2_500);
    Payment b1 = payment(b, 700);
    Payment a2 = payment(a, 400);
    Instant paidAt = t.clock.advance(Duration.ofMinutes(5));

    List<PaymentCredit> credits = batch(List.of(confirmed(a1, "evt-a1"), confirmed(b1, "evt-b1"),
        confirmed(a2, "evt-a2")));

    assertThat(credits).hasSize(3).allMatch(c -> c instanceof PaymentCredit.Credited);
    assertThat((PaymentCredit.Credited) credits.get(0)).satisfies(c -> {
      assertThat(c.paymentId()).isEqualTo(a1.id());
      assertThat(c.accountUid()).isEqualTo(a);
      assertThat(c.amountCents()).isEqualTo(2_500);
      assertThat(c.balanceAfterCents()).as("after the earlier 100").isEqualTo(2_600);
    });
    assertThat(((PaymentCredit.Credited) credits.get(2)).balanceAfterCents())
        .as("the second credit of the same account follows the first").isEqualTo(3_000);
    assertThat(((PaymentCredit.Credited) credits.get(1)).balanceAfterCents()).isEqualTo(700);
    assertThat(t.ledger().balance(a)).isEqualTo(3_000);
    assertThat(t.ledger().balance(b)).isEqualTo(700);
    t.assertBalanceIsSumOfEntries(a);
    t.assertBalanceIsSumOfEntries(b);

    for (Payment p : List.of(a1, b1, a2)) {
      assertThat(t.ledger().entry("topup:" + p.id())).get().satisfies(e -> {
        assertThat(e.paymentKey()).isEqualTo(p.id().toString());
        assertThat(e.actor()).isEqualTo(ACTOR);
        assertThat(e.occurredAt()).isEqualTo(paidAt);
      });
      assertThat(t.module.payments().byId(p.id()).orElseThrow().status()).isEqualTo(PaymentStatus.CREDITED);
      assertThat(count("SELECT count(*) FROM seedbox_webhook_events WHERE payment_id = ? AND type ="
          + " 'payment.confirmed'", p.gatewayPaymentId())).isEqualTo(1);
    }
    assertThat(count("SELECT count(*) FROM seedbox_audit_events WHERE action = 'ledger.top-up' AND resource = ?"
        + " AND detail = jsonb_build_object('paymentKey', ?, 'amountCents', 400, 'balanceCents', 3000)",
        "billingaccount:" + a, a2.id().toString())).isEqualTo(1);
    assertThat(t.auditCount("ledger.top-up", "billingaccount:" + a)).isEqualTo(2 + 1);
    AccountSnapshot snapshot = t.ledger().account(a).orElseThrow();
    assertThat(snapshot.lastTopUpAt()).isEqualTo(paidAt);
    assertThat(snapshot.lastTopUpCents()).as("the account's last credit in the batch").isEqualTo(400);
  }

  @Test
  void leavesUnknownAlreadyProcessedAndCreditedBeforeRowsAloneWritingNothingForThem() {
    String account = t.openAccount(0, 7);
    Payment creditedBefore = payment(account, 1_000);
    Payment processedBefore = payment(account, 300);
    Payment fresh = payment(account, 200);
    batch(List.of(confirmed(creditedBefore, "evt-1")));
    // a dedupe row without a credit: what an earlier expired-then-retried delivery can leave
    t.module.jdbi().useHandle(h -> h.execute("INSERT INTO seedbox_webhook_events (payment_id, type, event_id,"
        + " received_at) VALUES (?, 'payment.confirmed', 'evt-old', now())", processedBefore.gatewayPaymentId()));
    long entriesBefore = count("SELECT count(*) FROM seedbox_ledger_entries");
    String unknown = "gw-nobody-" + UUID.randomUUID();

    List<PaymentCredit> credits = batch(List.of(
        new PaidWebhook(creditedBefore.gatewayPaymentId(), "payment.forwarded", "evt-2"),
        new PaidWebhook(unknown, "payment.confirmed", "evt-3"),
        confirmed(processedBefore, "evt-4"),
        confirmed(fresh, "evt-5")));

    assertThat(credits.get(0)).isEqualTo(new PaymentCredit.Deferred(creditedBefore.id()));
    assertThat(credits.get(1)).isInstanceOf(PaymentCredit.UnknownPayment.class);
    assertThat(credits.get(2)).isEqualTo(new PaymentCredit.AlreadyProcessed(processedBefore.id()));
    assertThat(credits.get(3)).isInstanceOf(PaymentCredit.Credited.class);
    assertThat(count("SELECT count(*) FROM seedbox_ledger_entries")).isEqualTo(entriesBefore + 1);
    assertThat(count("SELECT count(*) FROM seedbox_webhook_events WHERE payment_id = ? AND type ="
        + " 'payment.forwarded'", creditedBefore.gatewayPaymentId()))
        .as("a deferred item is for the one-call credit to dedupe").isZero();
    assertThat(count("SELECT count(*) FROM seedbox_webhook_events WHERE payment_id = ?", unknown))
        .as("an unmatched event must not be swallowed by dedupe").isZero();
    assertThat(t.module.payments().byId(processedBefore.id()).orElseThrow().status())
        .isEqualTo(PaymentStatus.PENDING);
    assertThat(t.ledger().balance(account)).isEqualTo(1_200);
  }

  @Test
  void aTakenEntryKeyThrowsSoTheCallerRollsBackTheWholeBatch() {
    String account = t.openAccount(0, 7);
    String other = t.openAccount(0, 7);
    Payment good = payment(account, 500);
    Payment taken = payment(account, 1_000);
    LedgerTestSupport.handMadeTopUp(DB, other, "topup:" + taken.id(), 700);

    assertThatThrownBy(() -> batch(List.of(confirmed(good, "evt-1"), confirmed(taken, "evt-2"))))
        .isInstanceOf(IdempotencyConflictException.class)
        .hasMessageContaining("topup:" + taken.id());

    assertThat(t.ledger().balance(account)).isZero();
    assertThat(count("SELECT count(*) FROM seedbox_webhook_events WHERE payment_id IN (?, ?)",
        good.gatewayPaymentId(), taken.gatewayPaymentId())).isZero();
    assertThat(t.module.payments().byId(good.id()).orElseThrow().status()).isEqualTo(PaymentStatus.PENDING);
  }

  @Test
  void refusesTheSameGatewayPaymentTwiceInOneBatch() {
    String account = t.openAccount(0, 7);
    Payment p = payment(account, 500);

    assertThatThrownBy(() -> batch(List.of(confirmed(p, "evt-1"),
        new PaidWebhook(p.gatewayPaymentId(), "payment.forwarded", "evt-2"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(p.gatewayPaymentId());
    assertThat(t.ledger().balance(account)).isZero();
  }

  @Test
  void settlesASuspendedAccountOnceOnItsBalanceAfterTheBatch() {
    LedgerTestSupport.Suspended suspended = t.suspendedAccount(1_000, PERIOD);
    String account = suspended.account();
    String seedbox = suspended.seedbox();
    // neither top-up alone pays the due period; together they do
    Payment p1 = payment(account, 600);
    Payment p2 = payment(account, 600);

    Instant paidAt = t.clock.advance(Duration.ofDays(2));
    List<PaymentCredit> credits = batch(List.of(confirmed(p1, "evt-1"), confirmed(p2, "evt-2")));

    assertThat(credits).allMatch(c -> c instanceof PaymentCredit.Credited);
    SeedboxRecord row = t.seedboxes().seedbox(seedbox).orElseThrow();
    assertThat(row.billingHold()).isFalse();
    assertThat(row.chargeCount()).isEqualTo(2);
    assertThat(row.paidThrough()).isEqualTo(paidAt.plus(PERIOD));
    assertThat(t.ledger().account(account).orElseThrow().state()).isEqualTo(AccountStanding.ACTIVE);
    assertThat(t.ledger().balance(account)).isEqualTo(200);
    t.assertBalanceIsSumOfEntries(account);
  }

  @Test
  void notifiesEachCreditedAccount() throws Exception {
    String a = t.openAccount(0, 7);
    String b = t.openAccount(0, 7);
    Payment pa = payment(a, 300);
    Payment pb = payment(b, 300);
    try (Connection listener = DriverManager.getConnection(DB.jdbcUrl(PostgresDatabase.RUNTIME_ROLE),
        PostgresDatabase.RUNTIME_ROLE, PostgresDatabase.PASSWORD);
        Statement s = listener.createStatement()) {
      s.execute("LISTEN " + LedgerNotifications.CHANNEL);

      batch(List.of(confirmed(pa, "evt-1"), confirmed(pb, "evt-2")));

      List<String> payloads = new ArrayList<>();
      long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!payloads.containsAll(List.of(a, b)) && System.nanoTime() < until) {
        PGNotification[] got = listener.unwrap(PGConnection.class).getNotifications(1_000);
        for (PGNotification n : got == null ? new PGNotification[0] : got) {
          payloads.add(n.getParameter());
        }
      }
      assertThat(payloads).contains(a, b);
    }
  }

  @Test
  void concurrentBatchesOverTheSamePaymentsCreditEachOnceWithoutDeadlocking() throws Exception {
    List<String> accounts = List.of(t.openAccount(0, 7), t.openAccount(0, 7), t.openAccount(0, 7));
    List<Payment> payments = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      payments.add(payment(accounts.get(i % accounts.size()), 100 + i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<List<PaymentCredit>>> answers = new ArrayList<>();
      for (int round = 0; round < 12; round++) {
        // each batch: a shuffled half of the payments, so batches overlap in rows and accounts in every order
        List<Payment> shuffled = new ArrayList<>(payments);
        Collections.shuffle(shuffled, new Random(round));
        List<PaidWebhook> webhooks = shuffled.subList(0, 12).stream()
            .map(p -> confirmed(p, "evt-" + UUID.randomUUID())).toList();
        // Transactions.run retries a deadlock; the global lock order must make that unnecessary, so no retry here
        answers.add(pool.submit(() -> t.module.jdbi().inTransaction(h ->
            t.ledger().creditPaidWebhooks(h, webhooks, ACTOR))));
      }
      int credited = 0;
      for (Future<List<PaymentCredit>> answer : answers) {
        credited += (int) answer.get().stream().filter(c -> c instanceof PaymentCredit.Credited).count();
      }
      long distinctPaid = count("SELECT count(*) FROM seedbox_payments WHERE status = 'credited'");
      assertThat(credited).isEqualTo(distinctPaid);
    } finally {
      pool.shutdownNow();
    }
    for (String account : accounts) {
      t.assertBalanceIsSumOfEntries(account);
    }
    for (Payment p : payments) {
      assertThat(count("SELECT count(*) FROM seedbox_ledger_entries WHERE payment_key = ?", p.id().toString()))
          .isLessThanOrEqualTo(1);
    }
  }

  @Test
  void theBatchFunctionIsTheOwnersWithAPinnedSearchPathAndOnlyTheBillingRoleMayCallIt() {
    LedgerTestSupport.assertOwnerDefinedAndPinned(t, "seedbox_credit_paid_webhooks", PostgresDatabase.BILLING_ROLE,
        PostgresDatabase.OPERATOR_ROLE);
  }
}

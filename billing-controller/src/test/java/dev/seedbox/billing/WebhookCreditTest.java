package dev.seedbox.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.billing.webhook.WebhookEvent;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What verified webhooks do to money: real HTTP, the gateway fake's signed webhooks, the ledger in PostgreSQL. */
class WebhookCreditTest {

  private static final AtomicInteger ACCOUNTS = new AtomicInteger();

  @RegisterExtension
  static final RunningBillingController billing = new RunningBillingController(16);
  private String account;
  private String accountUid;

  @BeforeEach
  void freshAccount() {
    account = "credit-" + ACCOUNTS.incrementAndGet();
    accountUid = "uid-" + account;
    RunningBillingController.openAccount(billing.ledger(), accountUid, account);
  }

  private HttpResponse<String> send(String type, String gatewayPaymentId) {
    return billing.gateway.webhook(type, gatewayPaymentId).sendTo(billing.webhookUrl());
  }

  private String paymentStatus(String gatewayPaymentId) {
    return billing.superuser().withHandle(h -> h.createQuery(
            "SELECT status FROM seedbox_payments WHERE gateway_payment_id = :gw")
        .bind("gw", gatewayPaymentId).mapTo(String.class).one());
  }

  @Test
  void aConfirmedWebhookCreditsOnceAndSettlesInOneTransactionWithItsAuditEvent() {
    String paid = billing.openedTopUp(account, account + "-k1", "25.00");

    assertThat(send(WebhookEvent.CONFIRMED, paid).body()).contains("\"outcome\":\"credited\"");
    assertThat(send(WebhookEvent.CONFIRMED, paid).body()).contains("\"outcome\":\"already_processed\"");

    assertThat(billing.balance(accountUid)).isEqualTo(2500);
    assertThat(billing.topUpCredits(accountUid)).isOne();
    assertThat(paymentStatus(paid)).isEqualTo("credited");
    assertThat(billing.count("SELECT count(*) FROM seedbox_audit_events WHERE action = 'ledger.top-up' "
        + "AND resource LIKE ?", "%" + accountUid + "%")).isOne();
  }

  @Test
  void theSameEventDeliveredAHundredTimesConcurrentlyCreditsOnce() throws Exception {
    String paid = billing.openedTopUp(account, account + "-k1", "10.00");
    var webhook = billing.gateway.webhook(WebhookEvent.CONFIRMED, paid);
    webhook.rawBody();
    ExecutorService clients = Executors.newFixedThreadPool(20);
    try {
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        answers.add(clients.submit((Callable<HttpResponse<String>>) () -> webhook.sendTo(billing.webhookUrl())));
      }
      int credited = 0;
      for (Future<HttpResponse<String>> answer : answers) {
        HttpResponse<String> response = answer.get();
        assertThat(response.statusCode()).isEqualTo(200);
        credited += response.body().contains("\"credited\"") ? 1 : 0;
      }
      assertThat(credited).isOne();
    } finally {
      clients.shutdownNow();
    }
    assertThat(billing.balance(accountUid)).isEqualTo(1000);
    assertThat(billing.topUpCredits(accountUid)).isOne();
  }

  @Test
  void forwardedAfterConfirmedCreditsNothingMore() {
    String paid = billing.openedTopUp(account, account + "-k1", "10.00");

    assertThat(send(WebhookEvent.CONFIRMED, paid).body()).contains("credited");
    assertThat(send(WebhookEvent.FORWARDED, paid).body()).contains("\"outcome\":\"recorded\"");

    assertThat(billing.balance(accountUid)).isEqualTo(1000);
    assertThat(billing.count("SELECT count(*) FROM seedbox_webhook_events WHERE payment_id = ?", paid)).isEqualTo(2);
  }

  @Test
  void aLateConfirmedAfterExpiredStillCredits() {
    String paid = billing.openedTopUp(account, account + "-k1", "10.00");

    assertThat(send(WebhookEvent.EXPIRED, paid).body()).contains("\"outcome\":\"recorded\"");
    assertThat(paymentStatus(paid)).isEqualTo("expired");
    assertThat(billing.balance(accountUid)).isZero();

    assertThat(send(WebhookEvent.CONFIRMED, paid).body()).contains("credited");
    assertThat(billing.balance(accountUid)).isEqualTo(1000);
    assertThat(paymentStatus(paid)).isEqualTo("credited");
  }

  @Test
  void outOfOrderDeliveryCreditsOnceWhicheverPaidEventComesFirst() {
    String paid = billing.openedTopUp(account, account + "-k1", "10.00");

    assertThat(send(WebhookEvent.FORWARDED, paid).body()).contains("credited");
    assertThat(send(WebhookEvent.EXPIRED, paid).body()).contains("recorded");
    assertThat(send(WebhookEvent.CONFIRMED, paid).body()).contains("recorded");
    assertThat(send(WebhookEvent.FORWARDED, paid).body()).contains("already_processed");

    assertThat(billing.balance(accountUid)).isEqualTo(1000);
    // credited is final: a late expired does not move it back
    assertThat(paymentStatus(paid)).isEqualTo("credited");
  }

  @Test
  void aBodyClaimingAnotherAmountCreditsOurAmountAndIsAudited() {
    String paid = billing.openedTopUp(account, account + "-k1", "10.00");

    HttpResponse<String> response = billing.gateway.webhook(WebhookEvent.CONFIRMED, paid).amountUsd("9999.00")
        .sendTo(billing.webhookUrl());

    assertThat(response.body()).contains("credited");
    assertThat(billing.balance(accountUid)).isEqualTo(1000);
    assertThat(billing.count("SELECT count(*) FROM seedbox_audit_events WHERE action = 'payment.amount-differs' "
        + "AND detail->>'reportedAmountUsd' = '9999.00'")).isOne();
  }

  @Test
  void anUnknownEventTypeIsRecordedWithoutMovingMoney() {
    String paid = billing.openedTopUp(account, account + "-k1", "10.00");

    HttpResponse<String> response = send("payment.detected", paid);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"outcome\":\"recorded\"");
    assertThat(billing.balance(accountUid)).isZero();
    assertThat(paymentStatus(paid)).isEqualTo("pending");
  }

  @Test
  void anUnknownPaymentMovesNoMoneyAndIsCreditedOnceWhenARowGainsItsId() {
    long unmatchedBefore = billing.count("SELECT count(*) FROM seedbox_unmatched_webhook_events");
    // a gateway payment the fake knows nothing of: no metadata comes back; it reports the amount our row will hold
    String stranger = "pay_unknown_" + account;
    HttpResponse<String> first = billing.gateway.webhook(WebhookEvent.CONFIRMED, stranger).amountUsd("15.00")
        .sendTo(billing.webhookUrl());
    HttpResponse<String> again = billing.gateway.webhook(WebhookEvent.CONFIRMED, stranger).amountUsd("15.00")
        .sendTo(billing.webhookUrl());

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).contains("\"outcome\":\"unmatched\"");
    assertThat(again.body()).contains("\"outcome\":\"unmatched\"");
    assertThat(billing.count("SELECT count(*) FROM seedbox_unmatched_webhook_events")).isEqualTo(unmatchedBefore + 2);
    assertThat(billing.count("SELECT count(*) FROM seedbox_webhook_events WHERE payment_id = ?", stranger)).isZero();
    assertThat(billing.metrics()).containsPattern("seedbox_billing_webhooks_unmatched_total [1-9]");

    // our row learns that gateway id (e.g. an operator records it): the kept events are matched in that transaction
    var pending = billing.app.ledger().payments().createPending(
        new dev.seedbox.billing.topup.AccountRef("customers", account),
        new dev.seedbox.billing.topup.UsdAmount(1500), dev.seedbox.billing.gateway.Blockchain.BTC, "k-stranger",
        "coinpayportal");
    billing.app.ledger().payments().attachGateway(pending.id(), stranger);

    assertThat(billing.balance(accountUid)).isEqualTo(1500);
    assertThat(billing.topUpCredits(accountUid)).isOne();
    assertThat(billing.count("SELECT count(*) FROM seedbox_unmatched_webhook_events WHERE payment_id = ? "
        + "AND resolved_at IS NULL", stranger)).isZero();
    assertThat(send(WebhookEvent.CONFIRMED, stranger).body()).contains("already_processed");
  }

  /** The slow path locks a row only the billing role can lock; the operator's role can neither take nor block it. */
  @Test
  void theOperatorRoleCannotStallAnUnknownPaymentsEvents() throws Exception {
    String stranger = "pay_stalled_" + account;
    try (java.sql.Connection operator = billing.db.operator().getConnection();
        java.sql.Statement sql = operator.createStatement()) {
      operator.setAutoCommit(false);
      // the advisory key the slow path once took; any role can hold any advisory key
      sql.execute("SELECT pg_advisory_xact_lock(" + 0x5eedb0a3 + ", hashtext('" + stranger + "'))");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> sql.execute(
          "SELECT seedbox_lock_gateway_id('" + stranger + "')")).hasMessageContaining("permission denied");
      operator.rollback();
      sql.execute("SELECT pg_advisory_xact_lock(" + 0x5eedb0a3 + ", hashtext('" + stranger + "'))");

      HttpResponse<String> answer = billing.gateway.webhook(WebhookEvent.CONFIRMED, stranger).amountUsd("15.00")
          .sendTo(billing.webhookUrl());

      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).contains("\"outcome\":\"unmatched\"");
      operator.rollback();
    }
  }

  @Test
  void anAbsurdReportedAmountNeverBlocksTheCredit() {
    for (String absurd : List.of("1e2147483647", "-1e-2147483648", "9".repeat(1000), "NaN", "")) {
      String paid = billing.openedTopUp(account, account + "-absurd-" + absurd.length() + absurd.hashCode(), "7.00");
      HttpResponse<String> response = billing.gateway.webhook(WebhookEvent.CONFIRMED, paid).amountUsd(absurd)
          .sendTo(billing.webhookUrl());
      assertThat(response.statusCode()).as(absurd).isEqualTo(200);
      assertThat(response.body()).as(absurd).contains("\"outcome\":\"credited\"");
    }
    assertThat(billing.balance(accountUid)).isEqualTo(5 * 700);
  }

  @Test
  void anAbsurdReportedAmountAsAJsonNumberNeverBlocksTheCreditEither() {
    String paid = billing.openedTopUp(account, account + "-number", "7.00");
    String body = billing.gateway.webhook(WebhookEvent.CONFIRMED, paid).rawBody()
        .replace("\"amount_usd\":\"7.00\"", "\"amount_usd\":1e2147483647");
    assertThat(body).contains("1e2147483647");

    HttpResponse<String> response = billing.gateway.webhook(WebhookEvent.CONFIRMED, paid).body(body)
        .sendTo(billing.webhookUrl());
    assertThat(response.body()).contains("\"outcome\":\"credited\"");
    assertThat(billing.balance(accountUid)).isEqualTo(700);
  }

  @Test
  void aPaidEventReportingLessThanOurAmountBeyondTheToleranceIsHeldForReviewNotCredited() {
    String paid = billing.openedTopUp(account, account + "-short", "100.00");

    HttpResponse<String> held = billing.gateway.webhook(WebhookEvent.CONFIRMED, paid).amountUsd("60.00")
        .sendTo(billing.webhookUrl());

    assertThat(held.statusCode()).isEqualTo(200);
    assertThat(held.body()).contains("\"outcome\":\"held_for_review\"");
    assertThat(billing.balance(accountUid)).isZero();
    assertThat(paymentStatus(paid)).isEqualTo("confirmed");
    assertThat(billing.count("SELECT count(*) FROM seedbox_audit_events WHERE action = 'payment.held-for-review' "
        + "AND detail->>'gatewayPaymentId' = ? AND detail->>'reportedAmountUsd' = '60.00'", paid)).isOne();
    assertThat(billing.metrics()).containsPattern("seedbox_billing_payments_held_total [1-9]");
    // neither a resend nor the other paid event type credits it later, whatever it reports
    assertThat(send(WebhookEvent.CONFIRMED, paid).body()).contains("already_processed");
    assertThat(send(WebhookEvent.FORWARDED, paid).body()).contains("already_processed");
    assertThat(billing.balance(accountUid)).isZero();
  }

  @Test
  void aShortfallWithinTheToleranceIsCreditedInFullWithTheDifferenceAudited() {
    String paid = billing.openedTopUp(account, account + "-within", "100.00");

    assertThat(billing.gateway.webhook(WebhookEvent.CONFIRMED, paid).amountUsd("99.50").sendTo(billing.webhookUrl())
        .body()).contains("\"outcome\":\"credited\"");
    assertThat(billing.balance(accountUid)).isEqualTo(10_000);
    assertThat(billing.count("SELECT count(*) FROM seedbox_audit_events WHERE action = 'payment.amount-differs' "
        + "AND detail->>'gatewayPaymentId' = ?", paid)).isOne();
  }

  @Test
  void aResentDeliveryIsAnsweredFromItsDeliveryIdAndAReplayUnderAnotherIdShadowsNothing() {
    String first = billing.openedTopUp(account, account + "-d1", "3.00");
    String second = billing.openedTopUp(account, account + "-d2", "4.00");
    var delivery = billing.gateway.webhook(WebhookEvent.CONFIRMED, first);
    assertThat(delivery.sendTo(billing.webhookUrl()).body()).contains("\"outcome\":\"credited\"");
    double repeatsBefore = repeats();

    assertThat(delivery.sendTo(billing.webhookUrl()).body()).contains("already_processed");
    assertThat(repeats()).isEqualTo(repeatsBefore + 1);

    // the first body replayed under the id the second delivery will carry: the second still credits
    var secondDelivery = billing.gateway.webhook(WebhookEvent.CONFIRMED, second);
    billing.gateway.webhook(WebhookEvent.CONFIRMED, first).body(delivery.rawBody())
        .delivery(WebhookEvent.CONFIRMED, secondDelivery.deliveryId()).sendTo(billing.webhookUrl());
    assertThat(secondDelivery.sendTo(billing.webhookUrl()).body()).contains("\"outcome\":\"credited\"");
    assertThat(billing.balance(accountUid)).isEqualTo(700);
  }

  @Test
  void anEventHeaderThatDisagreesWithTheSignedBodyIsCountedAndTheBodyDecides() {
    String paid = billing.openedTopUp(account, account + "-hdr", "2.00");

    assertThat(billing.gateway.webhook(WebhookEvent.CONFIRMED, paid).delivery(WebhookEvent.EXPIRED, "dlv-hdr")
        .sendTo(billing.webhookUrl()).body()).contains("\"outcome\":\"credited\"");
    assertThat(billing.metrics()).containsPattern("seedbox_billing_webhooks_header_mismatch_total\\{[^}]*\\} [1-9]");
  }

  private double repeats() {
    return billing.app.metrics().find("seedbox.billing.webhooks").tag("outcome", "repeated_delivery").counters()
        .stream().mapToDouble(c -> c.count()).sum();
  }
}

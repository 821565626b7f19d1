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
    // a gateway payment the fake knows nothing of: no metadata comes back
    String stranger = "pay_unknown_" + account;
    HttpResponse<String> first = send(WebhookEvent.CONFIRMED, stranger);
    HttpResponse<String> again = send(WebhookEvent.CONFIRMED, stranger);

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
}

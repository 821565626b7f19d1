package dev.seedbox.billing;

import static dev.seedbox.billing.RunningBillingController.ACCOUNT_UID;
import static dev.seedbox.billing.RunningBillingController.API_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.billing.ledger.LedgerPaymentStore;
import dev.seedbox.billing.webhook.WebhookEvent;
import dev.seedbox.ledger.SeedboxOrder;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The /v1 API over real HTTP, with our rows in PostgreSQL and top-ups going to the CoinPayPortal fake. */
class TopUpApiTest {

  @RegisterExtension
  static final RunningBillingController billing = new RunningBillingController(8);

  @AfterEach
  void heal() {
    billing.gateway.healthy().honourIdempotencyKey(true);
    // a create this test timed out on may still land at the gateway: the next test counts from a settled number
    settledCreateCalls();
  }

  /** The gateway creates counted so far, once they have stopped moving. */
  private static int settledCreateCalls() {
    int[] last = {billing.gateway.createCalls()};
    await().pollInterval(Duration.ofMillis(100)).during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(15))
        .until(() -> {
          int now = billing.gateway.createCalls();
          boolean same = now == last[0];
          last[0] = now;
          return same;
        });
    return last[0];
  }

  private static HttpResponse<String> topUp(String json) {
    return billing.topUp(json, API_TOKEN);
  }

  private static HttpResponse<String> topUpWithKey(String key, String json) {
    return billing.topUpWithKey("alice", key, json);
  }

  /** Our row for a request key: {gateway_payment_id, status, amount_cents}. */
  private static Map<String, Object> row(String key) {
    return billing.superuser().withHandle(h -> h.createQuery(
            "SELECT gateway_payment_id, status, amount_cents FROM seedbox_payments WHERE id = :id")
        .bind("id", LedgerPaymentStore.paymentIdFor(key)).mapToMap().one());
  }

  private static long rows(String key) {
    return billing.count("SELECT count(*) FROM seedbox_payments WHERE id = ?", LedgerPaymentStore.paymentIdFor(key));
  }

  @Test
  void v1RefusesRequestsWithoutOrWithAWrongToken() {
    int gatewayCalls = billing.gateway.createCalls();
    Map<String, Long> before = billing.rowCounts();
    assertThat(billing.topUp("{\"amountUsd\":\"25.00\",\"blockchain\":\"BTC\"}", null).statusCode()).isEqualTo(401);
    assertThat(billing.topUp("{\"amountUsd\":\"25.00\",\"blockchain\":\"BTC\"}", API_TOKEN + "x").statusCode())
        .isEqualTo(401);
    HttpResponse<String> read = billing.send(HttpRequest.newBuilder(billing.url("/v1/accounts/customers/alice"))
        .header("Authorization", "Basic " + API_TOKEN));
    assertThat(read.statusCode()).isEqualTo(401);
    assertThat(read.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    assertThat(billing.gateway.createCalls()).isEqualTo(gatewayCalls);
    assertThat(billing.rowCounts()).isEqualTo(before);
  }

  @Test
  void invalidAmountsAndChainsAreA400NamingTheField() {
    int gatewayCalls = billing.gateway.createCalls();
    Map<String, Long> before = billing.rowCounts();
    for (String amount : List.of("\"12.345\"", "\"-5\"", "\"abc\"", "0", "\"0\"", "12.5", "null")) {
      HttpResponse<String> response = topUp("{\"amountUsd\":" + amount + ",\"blockchain\":\"BTC\"}");
      assertThat(response.statusCode()).as(amount).isEqualTo(400);
      assertThat(response.body()).as(amount).contains("\"field\":\"amountUsd\"");
    }
    HttpResponse<String> chain = topUp("{\"amountUsd\":\"25.00\",\"blockchain\":\"DOGE\"}");
    assertThat(chain.statusCode()).isEqualTo(400);
    assertThat(chain.body()).contains("\"field\":\"blockchain\"").contains("USDC_POL");
    assertThat(topUp("[]").body()).contains("\"field\":\"body\"");
    assertThat(billing.gateway.createCalls()).isEqualTo(gatewayCalls);
    assertThat(billing.rowCounts()).isEqualTo(before);
  }

  @Test
  void aTopUpStoresOurRowThenOpensTheGatewayPaymentAndRecordsItsId() {
    HttpResponse<String> response = topUpWithKey("happy", "{\"amountUsd\":\"25.00\",\"blockchain\":\"usdc_pol\"}");

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.body()).contains("\"amountUsd\":\"25.00\"").contains("\"blockchain\":\"USDC_POL\"")
        .contains("\"paymentAddress\":\"addr_").contains("\"expiresAt\":").contains("\"cryptoAmount\":");
    String ourId = LedgerPaymentStore.paymentIdFor("happy").toString();
    assertThat(new JsonObject(response.body()).getString("paymentId")).isEqualTo(ourId);
    Map<String, Object> row = row("happy");
    assertThat(row).containsEntry("amount_cents", 2500L).containsEntry("status", "pending");
    String gatewayId = (String) row.get("gateway_payment_id");
    assertThat(response.body()).contains(gatewayId);
    var atGateway = billing.gateway.payment(gatewayId).orElseThrow();
    assertThat(atGateway.amountUsd()).isEqualByComparingTo("25.00");
    assertThat(atGateway.metadata()).containsEntry("payment_id", ourId).containsEntry("account_uid", ACCOUNT_UID);
    assertThat(atGateway.idempotencyKey()).isEqualTo(ourId);
  }

  @Test
  void aRepeatedRequestAfterSuccessReturnsTheSamePaymentWithoutOpeningAnother() {
    HttpResponse<String> first = topUpWithKey("twice", "{\"amountUsd\":\"7.00\",\"blockchain\":\"ETH\"}");
    int creates = billing.gateway.createCalls();
    HttpResponse<String> second = topUpWithKey("twice", "{\"amountUsd\":\"7.00\",\"blockchain\":\"ETH\"}");

    assertThat(second.statusCode()).isEqualTo(201);
    JsonObject a = new JsonObject(first.body());
    JsonObject b = new JsonObject(second.body());
    assertThat(b.getString("gatewayPaymentId")).isEqualTo(a.getString("gatewayPaymentId"));
    assertThat(b.getString("paymentAddress")).isEqualTo(a.getString("paymentAddress"));
    assertThat(billing.gateway.createCalls()).isEqualTo(creates);
  }

  @Test
  void anUnknownAccountIsA404WritingNothingAndReachingNoGateway() {
    int gatewayCalls = billing.gateway.createCalls();
    Map<String, Long> before = billing.rowCounts();
    HttpResponse<String> response = billing.send(HttpRequest.newBuilder(billing.url("/v1/accounts/customers/bob/topups"))
        .header("Authorization", "Bearer " + API_TOKEN)
        .POST(HttpRequest.BodyPublishers.ofString("{\"amountUsd\":\"5\",\"blockchain\":\"ETH\"}")));
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(billing.gateway.createCalls()).isEqualTo(gatewayCalls);
    assertThat(billing.rowCounts()).isEqualTo(before);
  }

  @Test
  void aDownGatewayIsA502LeavingOnlyAPendingRowThatARetryWithTheSameKeyResumes() {
    billing.gateway.failWith(503);
    HttpResponse<String> failed = topUpWithKey("retry-502", "{\"amountUsd\":\"10.00\",\"blockchain\":\"SOL\"}");
    assertThat(failed.statusCode()).isEqualTo(502);
    assertThat(failed.body()).contains("gateway is unavailable");
    assertThat(row("retry-502")).containsEntry("gateway_payment_id", null).containsEntry("status", "pending");
    assertThat(billing.count("SELECT count(*) FROM seedbox_ledger_entries WHERE payment_key = ?",
        LedgerPaymentStore.paymentIdFor("retry-502").toString())).isZero();

    billing.gateway.healthy();
    HttpResponse<String> retried = topUpWithKey("retry-502", "{\"amountUsd\":\"10.00\",\"blockchain\":\"SOL\"}");
    assertThat(retried.statusCode()).isEqualTo(201);
    assertThat(retried.body()).contains(LedgerPaymentStore.paymentIdFor("retry-502").toString());
    assertThat(row("retry-502").get("gateway_payment_id")).isNotNull();
    assertThat(rows("retry-502")).isOne();
  }

  @Test
  void aSlowGatewayIsA504LeavingOnlyAPendingRow() {
    billing.gateway.delay(Duration.ofSeconds(2));
    HttpResponse<String> response = topUpWithKey("retry-504", "{\"amountUsd\":\"10.00\",\"blockchain\":\"BTC\"}");
    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(row("retry-504")).containsEntry("gateway_payment_id", null).containsEntry("status", "pending");
  }

  @Test
  void aLostAnswerIsRetriedOnOurRowAndTheUnrecordedGatewayPaymentStillCreditsOnceByItsMetadata() {
    // the gateway creates the payment but its answer never arrives, and it ignores Idempotency-Key
    billing.gateway.honourIdempotencyKey(false).loseNextAnswer();
    String body = "{\"amountUsd\":\"12.00\",\"blockchain\":\"BTC\"}";
    assertThat(topUpWithKey("lost", body).statusCode()).isIn(502, 504);
    assertThat(row("lost").get("gateway_payment_id")).isNull();
    String ourId = LedgerPaymentStore.paymentIdFor("lost").toString();
    String unrecorded = billing.gateway.payments().stream()
        .filter(p -> ourId.equals(p.metadata().get("payment_id"))).findFirst().orElseThrow().id();

    HttpResponse<String> retried = topUpWithKey("lost", body);
    assertThat(retried.statusCode()).isEqualTo(201);
    assertThat(rows("lost")).isOne();
    String recorded = (String) row("lost").get("gateway_payment_id");
    assertThat(recorded).isNotEqualTo(unrecorded);

    long balance = billing.balance(ACCOUNT_UID);
    HttpResponse<String> paidTheLostOne = billing.gateway.webhook(WebhookEvent.CONFIRMED, unrecorded)
        .sendTo(billing.webhookUrl());
    assertThat(paidTheLostOne.body()).contains("\"outcome\":\"credited\"");
    assertThat(billing.balance(ACCOUNT_UID)).isEqualTo(balance + 1200);
    // the recorded one confirming too does not credit our row a second time
    assertThat(billing.gateway.webhook(WebhookEvent.CONFIRMED, recorded).sendTo(billing.webhookUrl()).body())
        .contains("\"outcome\":\"recorded\"");
    assertThat(billing.balance(ACCOUNT_UID)).isEqualTo(balance + 1200);
    assertThat(billing.count("SELECT count(*) FROM seedbox_audit_events WHERE action = "
        + "'payment.second-gateway-payment'")).isOne();
  }

  @Test
  void aWebhookForALostAnswerAttachesTheGatewayIdSoTheRetryOpensNoSecondPayment() {
    billing.gateway.honourIdempotencyKey(false).loseNextAnswer();
    String body = "{\"amountUsd\":\"3.00\",\"blockchain\":\"BTC\"}";
    assertThat(topUpWithKey("lost-then-paid", body).statusCode()).isIn(502, 504);
    String ourId = LedgerPaymentStore.paymentIdFor("lost-then-paid").toString();
    String lost = billing.gateway.payments().stream()
        .filter(p -> ourId.equals(p.metadata().get("payment_id"))).findFirst().orElseThrow().id();
    long balance = billing.balance(ACCOUNT_UID);

    assertThat(billing.gateway.webhook(WebhookEvent.CONFIRMED, lost).sendTo(billing.webhookUrl()).body())
        .contains("credited");
    assertThat(row("lost-then-paid")).containsEntry("gateway_payment_id", lost).containsEntry("status", "credited");
    int creates = billing.gateway.createCalls();
    HttpResponse<String> retried = topUpWithKey("lost-then-paid", body);

    assertThat(retried.statusCode()).isEqualTo(201);
    assertThat(retried.body()).contains(lost);
    assertThat(billing.gateway.createCalls()).isEqualTo(creates);
    assertThat(billing.balance(ACCOUNT_UID)).isEqualTo(balance + 300);
  }

  @Test
  void aGatewayContentRejectionIsA400AndAKeyRejectionA502() {
    billing.gateway.rejectWith(400, "No wallet configured for this business");
    HttpResponse<String> content = topUp("{\"amountUsd\":\"10.00\",\"blockchain\":\"BCH\"}");
    assertThat(content.statusCode()).isEqualTo(400);
    assertThat(content.body()).contains("No wallet configured");

    billing.gateway.rejectWith(401, "Authentication required");
    assertThat(topUp("{\"amountUsd\":\"10.00\",\"blockchain\":\"BCH\"}").statusCode()).isEqualTo(502);
  }

  @Test
  void reusingAKeyForADifferentTopUpIsA409() {
    assertThat(topUpWithKey("key-409", "{\"amountUsd\":\"10.00\",\"blockchain\":\"BTC\"}").statusCode()).isEqualTo(201);
    assertThat(topUpWithKey("key-409", "{\"amountUsd\":\"11.00\",\"blockchain\":\"BTC\"}").statusCode()).isEqualTo(409);
    RunningBillingController.openAccount(billing.ledger(), "uid-erin", "erin");
    assertThat(billing.topUpWithKey("erin", "key-409", "{\"amountUsd\":\"10.00\",\"blockchain\":\"BTC\"}")
        .statusCode()).isEqualTo(409);
    assertThat(rows("key-409")).isOne();
  }

  @Test
  void readsAnAccountsBalanceStateBurnRunwayAndRecentEntries() {
    RunningBillingController.openAccount(billing.ledger(), "uid-carol", "carol");
    String paid = billing.openedTopUp("carol", "carol-1", "50.00");
    billing.gateway.webhook(WebhookEvent.CONFIRMED, paid).sendTo(billing.webhookUrl());
    billing.ledger().ledger().startProvisioning(new SeedboxOrder("sb-carol-1", "uid-carol", "customers", "box",
        "small", 1000, Phase.PROVISIONING), "test-operator");

    HttpResponse<String> found = billing.send(HttpRequest.newBuilder(billing.url("/v1/accounts/customers/carol"))
        .header("Authorization", "Bearer " + API_TOKEN));
    assertThat(found.statusCode()).isEqualTo(200);
    JsonObject view = new JsonObject(found.body());
    assertThat(view.getString("uid")).isEqualTo("uid-carol");
    assertThat(view.getLong("balanceCents")).isEqualTo(4000L);
    assertThat(view.getString("state")).isEqualTo("Active");
    assertThat(view.getLong("monthlyBurnCents")).isEqualTo(1000L);
    assertThat(view.getLong("runwayDays")).isEqualTo(120L);
    assertThat(view.getJsonArray("recentEntries").size()).isEqualTo(2);
    assertThat(view.getJsonArray("recentEntries").getJsonObject(0).getLong("amountCents")).isEqualTo(-1000L);
    assertThat(view.getJsonArray("recentEntries").getJsonObject(1).getString("kind")).isEqualTo("TopUp");

    HttpResponse<String> missing = billing.send(HttpRequest.newBuilder(billing.url("/v1/accounts/customers/nobody"))
        .header("Authorization", "Bearer " + API_TOKEN));
    assertThat(missing.statusCode()).isEqualTo(404);
  }

  @Test
  void sixteenConcurrentTopUpsWithOneKeyOpenOneGatewayPaymentAndAllGetTheSameAnswer() throws Exception {
    billing.gateway.honourIdempotencyKey(false).delay(Duration.ofMillis(300));
    int creates = billing.gateway.createCalls();
    String body = "{\"amountUsd\":\"16.00\",\"blockchain\":\"BTC\"}";
    ExecutorService clients = Executors.newFixedThreadPool(16);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        answers.add(clients.submit(() -> {
          go.await();
          return topUpWithKey("sixteen", body);
        }));
      }
      go.countDown();
      Set<String> gatewayIds = new HashSet<>();
      for (Future<HttpResponse<String>> answer : answers) {
        HttpResponse<String> response = answer.get(30, TimeUnit.SECONDS);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        gatewayIds.add(new JsonObject(response.body()).getString("gatewayPaymentId"));
      }
      assertThat(gatewayIds).hasSize(1);
      assertThat(billing.gateway.createCalls() - creates).isOne();
      assertThat(rows("sixteen")).isOne();
      assertThat(row("sixteen")).containsEntry("gateway_payment_id", gatewayIds.iterator().next());
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void aPaymentRecordsTheGatewayItWasOpenedAtAndTheServiceCannotMoveIt() {
    String gatewayId = billing.openedTopUp("alice", "which-gateway", "8.00");

    String gateway = billing.superuser().withHandle(h -> h.createQuery(
            "SELECT gateway FROM seedbox_payments WHERE gateway_payment_id = :gw")
        .bind("gw", gatewayId).mapTo(String.class).one());
    assertThat(gateway).isEqualTo("coinpayportal");
    assertThatThrownBy(() -> billing.db.runtimeJdbi().useHandle(h -> h.execute(
        "UPDATE seedbox_payments SET gateway = 'other' WHERE gateway_payment_id = ?", gatewayId)))
        .hasMessageContaining("permission denied");
  }
}

package dev.seedbox.billing;

import static dev.seedbox.billing.RunningBillingController.API_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.billing.account.AccountView;
import dev.seedbox.billing.topup.AccountRef;
import dev.seedbox.billing.topup.StoredPayment;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The /v1 API over real HTTP, with top-ups going to the CoinPayPortal fake. */
class TopUpApiTest {

  private static RunningBillingController billing;

  @BeforeAll
  static void start() {
    billing = new RunningBillingController();
  }

  @AfterAll
  static void stop() {
    billing.close();
  }

  @AfterEach
  void heal() {
    billing.gateway.healthy();
  }

  private static HttpResponse<String> topUp(String json) {
    return billing.topUp(json, API_TOKEN);
  }

  @Test
  void v1RefusesRequestsWithoutOrWithAWrongToken() {
    int gatewayCalls = billing.gateway.createCalls();
    assertThat(billing.topUp("{\"amountUsd\":\"25.00\",\"blockchain\":\"BTC\"}", null).statusCode()).isEqualTo(401);
    assertThat(billing.topUp("{\"amountUsd\":\"25.00\",\"blockchain\":\"BTC\"}", API_TOKEN + "x").statusCode())
        .isEqualTo(401);
    HttpResponse<String> read = billing.send(HttpRequest.newBuilder(billing.url("/v1/accounts/customers/alice"))
        .header("Authorization", "Basic " + API_TOKEN));
    assertThat(read.statusCode()).isEqualTo(401);
    assertThat(read.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    assertThat(billing.gateway.createCalls()).isEqualTo(gatewayCalls);
  }

  @Test
  void invalidAmountsAndChainsAreA400NamingTheField() {
    int gatewayCalls = billing.gateway.createCalls();
    int rows = billing.store.all().size();
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
    assertThat(billing.store.all()).hasSize(rows);
  }

  @Test
  void aTopUpStoresOurRowThenOpensTheGatewayPaymentAndRecordsItsId() {
    HttpResponse<String> response = topUp("{\"amountUsd\":\"25.00\",\"blockchain\":\"usdc_pol\"}");

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.body()).contains("\"amountUsd\":\"25.00\"").contains("\"blockchain\":\"USDC_POL\"")
        .contains("\"paymentAddress\":\"addr_").contains("\"expiresAt\":");
    StoredPayment row = billing.store.all().stream()
        .filter(p -> response.body().contains(p.id())).findFirst().orElseThrow();
    assertThat(row.amount().cents()).isEqualTo(2500);
    assertThat(row.gateway()).isNotNull();
    var atGateway = billing.gateway.payment(row.gateway().id()).orElseThrow();
    assertThat(atGateway.amountUsd()).isEqualByComparingTo("25.00");
    assertThat(atGateway.metadata()).containsEntry("payment_id", row.id()).containsEntry("account_uid", "uid-alice");
    assertThat(atGateway.idempotencyKey()).isEqualTo(row.id());
  }

  @Test
  void anUnknownAccountIsA404AndReachesNoGateway() {
    int gatewayCalls = billing.gateway.createCalls();
    HttpResponse<String> response = billing.send(HttpRequest.newBuilder(billing.url("/v1/accounts/customers/bob/topups"))
        .header("Authorization", "Bearer " + API_TOKEN)
        .POST(HttpRequest.BodyPublishers.ofString("{\"amountUsd\":\"5\",\"blockchain\":\"ETH\"}")));
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(billing.gateway.createCalls()).isEqualTo(gatewayCalls);
  }

  @Test
  void aDownGatewayIsA502LeavingOnlyAPendingRowThatARetryWithTheSameKeyResumes() {
    billing.gateway.failWith(503);
    HttpResponse<String> failed = topUpWithKey("retry-502", "{\"amountUsd\":\"10.00\",\"blockchain\":\"SOL\"}");
    assertThat(failed.statusCode()).isEqualTo(502);
    StoredPayment pending = rowWithKey("retry-502");
    assertThat(pending.gateway()).isNull();

    billing.gateway.healthy();
    HttpResponse<String> retried = topUpWithKey("retry-502", "{\"amountUsd\":\"10.00\",\"blockchain\":\"SOL\"}");
    assertThat(retried.statusCode()).isEqualTo(201);
    assertThat(retried.body()).contains(pending.id());
    assertThat(rowWithKey("retry-502").gateway()).isNotNull();
    assertThat(billing.store.all().stream().filter(p -> p.requestKey().equals("retry-502"))).hasSize(1);
  }

  @Test
  void aSlowGatewayIsA504LeavingOnlyAPendingRow() {
    billing.gateway.delay(Duration.ofSeconds(2));
    HttpResponse<String> response = topUpWithKey("retry-504", "{\"amountUsd\":\"10.00\",\"blockchain\":\"BTC\"}");
    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(rowWithKey("retry-504").gateway()).isNull();
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
  }

  @Test
  void readsAnAccountsBalanceStateAndRecentEntries() {
    AccountRef carol = new AccountRef("customers", "carol");
    billing.accountViews.put(carol, new AccountView(carol, "uid-carol", 1250, "LowBalance", 1500, List.of(
        new AccountView.Entry(Instant.parse("2025-01-15T10:35:00Z"), "charge", -1000, 1250, "charge:sb-1:1"))));

    HttpResponse<String> found = billing.send(HttpRequest.newBuilder(billing.url("/v1/accounts/customers/carol"))
        .header("Authorization", "Bearer " + API_TOKEN));
    assertThat(found.statusCode()).isEqualTo(200);
    assertThat(found.body()).contains("\"balanceCents\":1250").contains("\"state\":\"LowBalance\"")
        .contains("\"amountCents\":-1000");

    HttpResponse<String> missing = billing.send(HttpRequest.newBuilder(billing.url("/v1/accounts/customers/nobody"))
        .header("Authorization", "Bearer " + API_TOKEN));
    assertThat(missing.statusCode()).isEqualTo(404);
  }

  private static HttpResponse<String> topUpWithKey(String key, String json) {
    return billing.send(HttpRequest.newBuilder(billing.url("/v1/accounts/customers/alice/topups"))
        .header("Authorization", "Bearer " + API_TOKEN).header("Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  private static StoredPayment rowWithKey(String key) {
    return billing.store.all().stream().filter(p -> p.requestKey().equals(key)).findFirst().orElseThrow();
  }
}

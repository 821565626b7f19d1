package dev.seedbox.billing.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seedbox.devsupport.SandboxCoinPayPortal;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CoinPayPortalClientTest {

  private final SandboxCoinPayPortal fake = new SandboxCoinPayPortal("cp_live_key", "biz_1", "whsec");
  private final CoinPayPortalClient client =
      // generous against a loaded machine's first request; the slow gateway below stays well beyond it
      new CoinPayPortalClient(fake.baseUrl(), "cp_live_key", "biz_1", Duration.ofSeconds(2));

  @AfterEach
  void stop() {
    fake.close();
  }

  private static CreatePayment request(String ourId) {
    return new CreatePayment(ourId, "uid-1", new BigDecimal("25.00"), Blockchain.USDC_POL, Map.of());
  }

  @Test
  void createsAPaymentWithOurAmountAsAnExactJsonNumberAndOurIdsInMetadata() {
    GatewayPayment payment = client.create(request("ours-1"));

    assertThat(payment.id()).startsWith("pay_");
    assertThat(payment.paymentAddress()).isNotBlank();
    assertThat(payment.cryptoAmount()).isNotBlank();
    assertThat(payment.expiresAt()).isNotNull();
    assertThat(payment.status()).isEqualTo("pending");
    String body = fake.createBodies().get(0);
    assertThat(body).contains("\"amount_usd\":25.00").contains("\"business_id\":\"biz_1\"")
        .contains("\"blockchain\":\"USDC_POL\"").contains("\"payment_id\":\"ours-1\"")
        .contains("\"account_uid\":\"uid-1\"");
    SandboxCoinPayPortal.Payment stored = fake.payment(payment.id()).orElseThrow();
    assertThat(stored.amountUsd()).isEqualByComparingTo("25.00");
    assertThat(stored.idempotencyKey()).isEqualTo("ours-1");
  }

  @Test
  void readsAPaymentBackForThePoll() {
    GatewayPayment created = client.create(request("ours-2"));
    fake.setStatus(created.id(), "confirmed");

    GatewayPayment polled = client.get(created.id());
    assertThat(polled.id()).isEqualTo(created.id());
    assertThat(polled.status()).isEqualTo("confirmed");
    assertThat(polled.amountUsd()).isEqualByComparingTo("25.00");
  }

  @Test
  void aWrongApiKeyIsARejectionCarryingTheGatewaysMessageAndNotOurKey() {
    CoinPayPortalClient wrongKey =
        new CoinPayPortalClient(fake.baseUrl(), "cp_live_wrong", "biz_1", Duration.ofSeconds(2));
    assertThatThrownBy(() -> wrongKey.create(request("ours-3")))
        .isInstanceOfSatisfying(GatewayRejectedException.class, e -> {
          assertThat(e.status()).isEqualTo(401);
          assertThat(e.gatewayMessage()).isEqualTo("Authentication required");
          assertThat(e.callerCanFix()).isFalse();
        })
        .hasMessageNotContaining("cp_live_wrong");
    assertThat(fake.payments()).isEmpty();
  }

  @Test
  void aContentRejectionIsOneTheCallerCanFix() {
    fake.rejectWith(400, "No wallet configured for this business");
    assertThatThrownBy(() -> client.create(request("ours-4")))
        .isInstanceOfSatisfying(GatewayRejectedException.class, e -> assertThat(e.callerCanFix()).isTrue());
  }

  @Test
  void aServerErrorIsUnavailable() {
    fake.failWith(503);
    assertThatThrownBy(() -> client.create(request("ours-5"))).isInstanceOf(GatewayUnavailableException.class);
  }

  @Test
  void aSlowGatewayTimesOut() {
    fake.delay(Duration.ofSeconds(6));
    assertThatThrownBy(() -> client.create(request("ours-6"))).isInstanceOf(GatewayTimeoutException.class);
  }

  @Test
  void aRefusedConnectionIsUnavailable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    CoinPayPortalClient nowhere = new CoinPayPortalClient(
        URI.create("http://127.0.0.1:" + closedPort), "cp_live_key", "biz_1", Duration.ofSeconds(2));
    assertThatThrownBy(() -> nowhere.create(request("ours-7"))).isInstanceOf(GatewayUnavailableException.class);
  }

  @Test
  void aMalformedAnswerIsUnavailable() {
    fake.malformedAnswers(true);
    assertThatThrownBy(() -> client.create(request("ours-8"))).isInstanceOf(GatewayUnavailableException.class);
  }

  @Test
  void aLostAnswerIsUnavailableEvenThoughTheGatewayCreatedThePayment() {
    fake.loseNextAnswer();
    assertThatThrownBy(() -> client.create(request("ours-9"))).isInstanceOf(GatewayUnavailableException.class);
    assertThat(fake.payments()).singleElement()
        .satisfies(p -> assertThat(p.metadata()).containsEntry("payment_id", "ours-9"));
  }

  @Test
  void aRetryWithTheSameIdIsOnePaymentWhenTheGatewayHonoursTheKeyAndTwoWhenItDoesNot() {
    GatewayPayment first = client.create(request("ours-10"));
    assertThat(client.create(request("ours-10")).id()).isEqualTo(first.id());
    assertThat(fake.payments()).hasSize(1);

    fake.honourIdempotencyKey(false);
    assertThat(client.create(request("ours-10")).id()).isNotEqualTo(first.id());
    assertThat(fake.payments()).hasSize(2);
  }
}

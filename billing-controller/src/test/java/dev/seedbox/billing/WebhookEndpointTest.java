package dev.seedbox.billing;

import static dev.seedbox.billing.RunningBillingController.ACCOUNT_UID;
import static dev.seedbox.billing.RunningBillingController.BUSINESS_ID;
import static dev.seedbox.billing.RunningBillingController.PREVIOUS_SECRET;
import static dev.seedbox.billing.RunningBillingController.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.billing.webhook.WebhookEvent;
import dev.seedbox.billing.webhook.WebhookVerifier;
import dev.seedbox.devsupport.SandboxCoinPayPortal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rejections over real HTTP, proven by row counts in PostgreSQL: every webhook here is about a real, pending
 * payment, so a request that got past the checks would have written a dedupe row, a credit and audit events.
 */
class WebhookEndpointTest {

  @RegisterExtension
  static final RunningBillingController billing = new RunningBillingController(8);
  private static int topUps;
  private Map<String, Long> before;
  private String pending;

  @BeforeEach
  void openAPendingTopUp() {
    pending = billing.openedTopUp("alice", "endpoint-" + (++topUps), "10.00");
    before = billing.rowCounts();
  }

  private SandboxCoinPayPortal.Webhook confirmed(String paymentId) {
    return billing.gateway.webhook(WebhookEvent.CONFIRMED, paymentId);
  }

  private void assertNothingWritten() {
    assertThat(billing.rowCounts()).isEqualTo(before);
  }

  @Test
  void aSignedConfirmedEventCreditsOurPayment() {
    long balance = billing.balance(ACCOUNT_UID);
    HttpResponse<String> response = confirmed(pending).sendTo(billing.webhookUrl());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"outcome\":\"credited\"");
    assertThat(billing.balance(ACCOUNT_UID)).isEqualTo(balance + 1000);
  }

  @Test
  void anEventSignedWithThePreviousSecretIsAcceptedDuringRotation() {
    HttpResponse<String> response = confirmed(pending).secret(PREVIOUS_SECRET).sendTo(billing.webhookUrl());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(billing.count("SELECT count(*) FROM seedbox_webhook_events WHERE payment_id = ?", pending)).isOne();
  }

  @Test
  void aForgedBodyIsRejectedWithNothingWritten() {
    SandboxCoinPayPortal.Webhook webhook = confirmed(pending);
    String header = webhook.signatureHeader();
    HttpResponse<String> response = webhook.body(webhook.rawBody().replace("\"10.00\"", "\"99.00\""))
        .signature(header).sendTo(billing.webhookUrl());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("signature_mismatch");
    assertNothingWritten();
  }

  @Test
  void aWrongSecretIsRejectedWithNothingWritten() {
    assertThat(confirmed(pending).secret("whsec_attacker").sendTo(billing.webhookUrl()).statusCode()).isEqualTo(401);
    assertNothingWritten();
  }

  @Test
  void aTimestamp301SecondsOldIsRejectedWithNothingWritten() {
    HttpResponse<String> response =
        confirmed(pending).signedAt(Instant.now().minusSeconds(301)).sendTo(billing.webhookUrl());
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("stale_timestamp");
    assertNothingWritten();
  }

  @Test
  void aTimestamp301SecondsAheadIsRejectedWithNothingWritten() {
    HttpResponse<String> response =
        confirmed(pending).signedAt(Instant.now().plusSeconds(301)).sendTo(billing.webhookUrl());
    assertThat(response.statusCode()).isEqualTo(401);
    assertNothingWritten();
  }

  @Test
  void aMissingSignatureHeaderIsRejectedWithNothingWritten() {
    HttpResponse<String> response = confirmed(pending).signature(null).sendTo(billing.webhookUrl());
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("missing_signature");
    assertNothingWritten();
  }

  @Test
  void aMalformedSignatureHeaderIsRejectedWithNothingWritten() {
    HttpResponse<String> response = confirmed(pending).signature("t=now,v1=xyz").sendTo(billing.webhookUrl());
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("malformed_signature");
    assertNothingWritten();
  }

  @Test
  void malformedJsonCorrectlySignedIsA400WithNothingWritten() {
    HttpResponse<String> response = confirmed(pending).body("{\"id\":\"evt\",").sendTo(billing.webhookUrl());
    assertThat(response.statusCode()).isEqualTo(400);
    assertNothingWritten();

    HttpResponse<String> noPaymentId = confirmed(pending)
        .body("{\"id\":\"e\",\"type\":\"payment.confirmed\",\"data\":{\"status\":\"confirmed\"},"
            + "\"created_at\":\"2025-01-15T10:35:00Z\",\"business_id\":\"" + BUSINESS_ID + "\"}")
        .sendTo(billing.webhookUrl());
    assertThat(noPaymentId.statusCode()).isEqualTo(400);
    assertThat(noPaymentId.body()).contains("data.payment_id");
    assertNothingWritten();
  }

  @Test
  void anotherBusinessesEventIsA400WithNothingWritten() {
    assertThat(confirmed(pending).businessId("biz_other").sendTo(billing.webhookUrl()).statusCode()).isEqualTo(400);
    assertNothingWritten();
  }

  @Test
  void anOversizedBodyIsA413WithNothingWritten() {
    String big = "{\"pad\":\"" + "x".repeat(5000) + "\"}";
    HttpResponse<String> response = billing.send(HttpRequest.newBuilder(billing.webhookUrl())
        .header(WebhookVerifier.HEADER, WebhookVerifier.sign(SECRET, Instant.now().getEpochSecond(),
            big.getBytes(StandardCharsets.UTF_8)))
        .POST(HttpRequest.BodyPublishers.ofString(big)));

    assertThat(response.statusCode()).isEqualTo(413);
    assertNothingWritten();
  }

  @Test
  void metricsCountAcceptedRejectedAndCreditedWebhooks() {
    confirmed(pending).secret("whsec_attacker").sendTo(billing.webhookUrl());
    confirmed(pending).sendTo(billing.webhookUrl());

    String metrics = billing.metrics();
    assertThat(metrics).containsPattern(
        "seedbox_billing_webhooks_total\\{outcome=\"signature_mismatch\",result=\"rejected\"} [1-9]");
    assertThat(metrics).containsPattern(
        "seedbox_billing_webhooks_total\\{outcome=\"credited\",result=\"accepted\"} [1-9]");
    assertThat(metrics).containsPattern("seedbox_billing_credits_total [1-9]");
    assertThat(metrics).containsPattern("seedbox_billing_credited_cents_total [1-9]");
  }

  @Test
  void readinessIncludesTheDatabase() {
    HttpResponse<String> ready = billing.send(HttpRequest.newBuilder(billing.url("/readyz")));
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("\"database\":true");
  }
}

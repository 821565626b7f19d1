package dev.seedbox.billing;

import static dev.seedbox.billing.RunningBillingController.BUSINESS_ID;
import static dev.seedbox.billing.RunningBillingController.PREVIOUS_SECRET;
import static dev.seedbox.billing.RunningBillingController.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.billing.gateway.FakeCoinPayPortal;
import dev.seedbox.billing.webhook.PaymentEventOutcome;
import dev.seedbox.billing.webhook.WebhookEvent;
import dev.seedbox.billing.webhook.WebhookVerifier;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real HTTP against the running server; the webhooks come from the gateway fake, signed as the gateway signs. */
class WebhookEndpointTest {

  private static RunningBillingController billing;
  private int before;

  @BeforeAll
  static void start() {
    billing = new RunningBillingController();
  }

  @AfterAll
  static void stop() {
    billing.close();
  }

  @BeforeEach
  void count() {
    before = billing.events.received().size();
  }

  private FakeCoinPayPortal.Webhook confirmed(String paymentId) {
    return billing.gateway.webhook(WebhookEvent.CONFIRMED, paymentId);
  }

  private void assertNothingReachedProcessing() {
    assertThat(billing.events.received()).hasSize(before);
  }

  @Test
  void aSignedEventReachesProcessingOnceVerifiedAndParsed() {
    HttpResponse<String> response = confirmed("pay_ok").sendTo(billing.webhookUrl());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"outcome\":\"recorded\"");
    WebhookEvent event = billing.events.received().get(before);
    assertThat(event.gatewayPaymentId()).isEqualTo("pay_ok");
    assertThat(event.type()).isEqualTo("payment.confirmed");
    assertThat(event.businessId()).isEqualTo(BUSINESS_ID);
  }

  @Test
  void anEventSignedWithThePreviousSecretIsAcceptedDuringRotation() {
    HttpResponse<String> response = confirmed("pay_rotated").secret(PREVIOUS_SECRET).sendTo(billing.webhookUrl());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(billing.events.received()).hasSize(before + 1);
  }

  @Test
  void aForgedBodyIsRejectedWithNothingProcessed() {
    FakeCoinPayPortal.Webhook webhook = confirmed("pay_forged");
    String header = webhook.signatureHeader();
    HttpResponse<String> response = webhook.body(webhook.rawBody().replace("pay_forged", "pay_other"))
        .signature(header).sendTo(billing.webhookUrl());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("signature_mismatch");
    assertNothingReachedProcessing();
  }

  @Test
  void aWrongSecretIsRejectedWithNothingProcessed() {
    assertThat(confirmed("pay_x").secret("whsec_attacker").sendTo(billing.webhookUrl()).statusCode()).isEqualTo(401);
    assertNothingReachedProcessing();
  }

  @Test
  void aTimestamp301SecondsOldIsRejectedWithNothingProcessed() {
    HttpResponse<String> response =
        confirmed("pay_old").signedAt(Instant.now().minusSeconds(301)).sendTo(billing.webhookUrl());
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("stale_timestamp");
    assertNothingReachedProcessing();
  }

  @Test
  void aTimestamp301SecondsAheadIsRejectedWithNothingProcessed() {
    HttpResponse<String> response =
        confirmed("pay_future").signedAt(Instant.now().plusSeconds(301)).sendTo(billing.webhookUrl());
    assertThat(response.statusCode()).isEqualTo(401);
    assertNothingReachedProcessing();
  }

  @Test
  void aMissingSignatureHeaderIsRejectedWithNothingProcessed() {
    HttpResponse<String> response = confirmed("pay_unsigned").signature(null).sendTo(billing.webhookUrl());
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("missing_signature");
    assertNothingReachedProcessing();
  }

  @Test
  void aMalformedSignatureHeaderIsRejectedWithNothingProcessed() {
    HttpResponse<String> response = confirmed("pay_bad_header").signature("t=now,v1=xyz").sendTo(billing.webhookUrl());
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("malformed_signature");
    assertNothingReachedProcessing();
  }

  @Test
  void malformedJsonCorrectlySignedIsA400WithNothingProcessed() {
    HttpResponse<String> response = confirmed("pay_json").body("{\"id\":\"evt\",").sendTo(billing.webhookUrl());
    assertThat(response.statusCode()).isEqualTo(400);
    assertNothingReachedProcessing();

    HttpResponse<String> noPaymentId = confirmed("pay_json")
        .body("{\"id\":\"e\",\"type\":\"payment.confirmed\",\"data\":{\"status\":\"confirmed\"},"
            + "\"created_at\":\"2025-01-15T10:35:00Z\",\"business_id\":\"" + BUSINESS_ID + "\"}")
        .sendTo(billing.webhookUrl());
    assertThat(noPaymentId.statusCode()).isEqualTo(400);
    assertThat(noPaymentId.body()).contains("data.payment_id");
    assertNothingReachedProcessing();
  }

  @Test
  void anotherBusinessesEventIsA400WithNothingProcessed() {
    assertThat(confirmed("pay_theirs").businessId("biz_other").sendTo(billing.webhookUrl()).statusCode())
        .isEqualTo(400);
    assertNothingReachedProcessing();
  }

  @Test
  void anOversizedBodyIsA413WithNothingProcessed() {
    String big = "{\"pad\":\"" + "x".repeat(5000) + "\"}";
    HttpResponse<String> response = billing.send(HttpRequest.newBuilder(billing.webhookUrl())
        .header(WebhookVerifier.HEADER, WebhookVerifier.sign(SECRET, Instant.now().getEpochSecond(),
            big.getBytes(StandardCharsets.UTF_8)))
        .POST(HttpRequest.BodyPublishers.ofString(big)));

    assertThat(response.statusCode()).isEqualTo(413);
    assertNothingReachedProcessing();
  }

  @Test
  void repeatsOutOfOrderEventsAndOddAmountsAllReachTheSeamWhichDecides() {
    billing.events.answering(event -> event.meansPaid()
        ? new PaymentEventOutcome.AlreadyProcessed(event.gatewayPaymentId())
        : new PaymentEventOutcome.Unmatched(event.gatewayPaymentId()));
    try {
      assertThat(billing.gateway.webhook(WebhookEvent.FORWARDED, "pay_seq").sendTo(billing.webhookUrl()).body())
          .contains("already_processed");
      assertThat(confirmed("pay_seq").amountUsd("999.99").sendTo(billing.webhookUrl()).statusCode()).isEqualTo(200);
      assertThat(confirmed("pay_seq").sendTo(billing.webhookUrl()).statusCode()).isEqualTo(200);
      assertThat(billing.gateway.webhook(WebhookEvent.EXPIRED, "pay_seq").sendTo(billing.webhookUrl()).body())
          .contains("unmatched");
    } finally {
      billing.events.answering(event -> new PaymentEventOutcome.Recorded(event.gatewayPaymentId(), event.type()));
    }
    var seen = billing.events.received().subList(before, before + 4);
    assertThat(seen).extracting(WebhookEvent::type)
        .containsExactly("payment.forwarded", "payment.confirmed", "payment.confirmed", "payment.expired");
    // The event id changes on every resend, so it cannot be the dedupe key; the body's amount is only reported.
    assertThat(seen.get(1).id()).isNotEqualTo(seen.get(2).id());
    assertThat(seen.get(1).reportedAmountUsd()).isEqualTo("999.99");
  }

  @Test
  void metricsCountAcceptedAndRejectedWebhooksByOutcome() {
    confirmed("pay_metric").secret("whsec_attacker").sendTo(billing.webhookUrl());
    confirmed("pay_metric").sendTo(billing.webhookUrl());

    String metrics = billing.metrics();
    assertThat(metrics).containsPattern(
        "seedbox_billing_webhooks_total\\{outcome=\"signature_mismatch\",result=\"rejected\"} [1-9]");
    assertThat(metrics).containsPattern(
        "seedbox_billing_webhooks_total\\{outcome=\"recorded\",result=\"accepted\"} [1-9]");
  }
}

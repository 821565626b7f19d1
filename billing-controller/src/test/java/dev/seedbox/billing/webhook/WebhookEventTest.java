package dev.seedbox.billing.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebhookEventTest {

  private static final String DOCUMENTED = """
      {"id":"evt_123","type":"payment.confirmed","business_id":"biz_123",
       "data":{"payment_id":"pay_123","amount_usd":"100.00","amount_crypto":"0.00153","currency":"BTC",
               "status":"confirmed","payment_address":"bc1q","tx_hash":"abc","metadata":{"payment_id":"ours-1","n":7}},
       "created_at":"2025-01-15T10:35:00.000Z"}""";

  private static WebhookEvent parse(String json) {
    return WebhookEvent.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void parsesTheGatewaysDocumentedEnvelope() {
    WebhookEvent event = parse(DOCUMENTED);
    assertThat(event.id()).isEqualTo("evt_123");
    assertThat(event.type()).isEqualTo("payment.confirmed");
    assertThat(event.gatewayPaymentId()).isEqualTo("pay_123");
    assertThat(event.status()).isEqualTo("confirmed");
    assertThat(event.businessId()).isEqualTo("biz_123");
    assertThat(event.createdAt()).isEqualTo(Instant.parse("2025-01-15T10:35:00Z"));
    assertThat(event.ourPaymentId()).contains("ours-1");
    assertThat(event.metadata()).containsEntry("n", "7");
    assertThat(event.reportedAmountUsd()).isEqualTo("100.00");
    assertThat(event.meansPaid()).isTrue();
  }

  @Test
  void forwardedMeansPaidAndExpiredDoesNot() {
    assertThat(parse(DOCUMENTED.replace("payment.confirmed", "payment.forwarded")).meansPaid()).isTrue();
    assertThat(parse(DOCUMENTED.replace("payment.confirmed", "payment.expired")).meansPaid()).isFalse();
  }

  @Test
  void rejectsBodiesThatAreNotTheEnvelopeNamingTheField() {
    assertThatThrownBy(() -> parse("not json")).isInstanceOf(MalformedWebhookException.class);
    assertThatThrownBy(() -> parse("[1]")).hasMessageContaining("object");
    assertThatThrownBy(() -> parse(DOCUMENTED + "{}")).isInstanceOf(MalformedWebhookException.class);
    assertThatThrownBy(() -> parse(DOCUMENTED.replace("\"payment_id\":\"pay_123\",", "")))
        .hasMessageContaining("data.payment_id");
    assertThatThrownBy(() -> parse(DOCUMENTED.replace("\"type\":\"payment.confirmed\",", "")))
        .hasMessageContaining("type");
    assertThatThrownBy(() -> parse(DOCUMENTED.replace("2025-01-15T10:35:00.000Z", "yesterday")))
        .hasMessageContaining("created_at");
    assertThatThrownBy(() -> parse(DOCUMENTED.replace("\"id\":\"evt_123\"", "\"id\":\"evt_123\",\"id\":\"evt_9\"")))
        .isInstanceOf(MalformedWebhookException.class);
  }
}

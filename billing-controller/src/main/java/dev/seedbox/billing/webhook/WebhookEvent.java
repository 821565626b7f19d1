package dev.seedbox.billing.webhook;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One verified CoinPayPortal webhook: {@code {id, type, data:{payment_id, status, ...}, created_at, business_id}}.
 *
 * <p>It deliberately carries no amount to credit: we credit the amount on our own payment row, never the body's
 * (its fields differ between the gateway's sender paths). {@code reportedAmountUsd} is kept only so a mismatch can be
 * logged or audited.
 *
 * @param id the gateway's event id; it changes when the gateway resends, so it is not a dedupe key
 * @param type e.g. {@code payment.confirmed}, {@code payment.forwarded}, {@code payment.expired}
 * @param gatewayPaymentId {@code data.payment_id}
 * @param status {@code data.status}
 * @param metadata {@code data.metadata}, string values only (where our own {@code payment_id} comes back)
 * @param reportedAmountUsd {@code data.amount_usd} as sent, or "" when absent; never credited
 * @param rawBody the verified bytes, for storing the event as received
 */
public record WebhookEvent(
    String id, String type, String gatewayPaymentId, String status, Instant createdAt, String businessId,
    Map<String, String> metadata, String reportedAmountUsd, byte[] rawBody) {

  public static final String CONFIRMED = "payment.confirmed";
  public static final String FORWARDED = "payment.forwarded";
  public static final String EXPIRED = "payment.expired";

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  public WebhookEvent {
    metadata = Map.copyOf(metadata);
    rawBody = rawBody.clone();
  }

  /** {@code payment.confirmed} and {@code payment.forwarded} mean the customer paid; a late one still counts. */
  public boolean meansPaid() {
    return CONFIRMED.equals(type) || FORWARDED.equals(type);
  }

  /** Our payment id, when the gateway echoed the metadata we sent at creation. */
  public Optional<String> ourPaymentId() {
    return Optional.ofNullable(metadata.get("payment_id"));
  }

  @Override
  public byte[] rawBody() {
    return rawBody.clone();
  }

  /** Parses the envelope of an already verified body; throws naming the first field that is wrong. */
  public static WebhookEvent parse(byte[] rawBody) {
    JsonNode root;
    try {
      root = JSON.readTree(rawBody);
    } catch (IOException e) {
      throw new MalformedWebhookException("body is not a single JSON document");
    }
    if (root == null || !root.isObject()) {
      throw new MalformedWebhookException("body must be a JSON object");
    }
    String id = text(root, "id", "id");
    String type = text(root, "type", "type");
    JsonNode data = root.get("data");
    if (data == null || !data.isObject()) {
      throw new MalformedWebhookException("data must be an object");
    }
    String paymentId = text(data, "payment_id", "data.payment_id");
    String status = text(data, "status", "data.status");
    String createdAtText = text(root, "created_at", "created_at");
    Instant createdAt;
    try {
      createdAt = OffsetDateTime.parse(createdAtText).toInstant();
    } catch (DateTimeParseException e) {
      throw new MalformedWebhookException("created_at must be an ISO-8601 timestamp, found '" + clip(createdAtText) + "'");
    }
    String businessId = text(root, "business_id", "business_id");
    Map<String, String> metadata = new LinkedHashMap<>();
    JsonNode meta = data.get("metadata");
    if (meta != null && !meta.isNull()) {
      if (!meta.isObject()) {
        throw new MalformedWebhookException("data.metadata must be an object when present");
      }
      meta.fields().forEachRemaining(field -> {
        if (field.getValue().isValueNode() && !field.getValue().isNull()) {
          metadata.put(field.getKey(), field.getValue().asText());
        }
      });
    }
    JsonNode amount = data.get("amount_usd");
    String reported = amount != null && amount.isValueNode() && !amount.isNull() ? amount.asText() : "";
    return new WebhookEvent(id, type, paymentId, status, createdAt, businessId, metadata, reported, rawBody);
  }

  private static String text(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new MalformedWebhookException(path + " must be a non-empty string");
    }
    return value.asText();
  }

  private static String clip(String value) {
    return value.length() > 40 ? value.substring(0, 40) + "..." : value;
  }

  @Override
  public String toString() {
    return "WebhookEvent[id=" + id + ", type=" + type + ", gatewayPaymentId=" + gatewayPaymentId + ", status=" + status
        + ", createdAt=" + createdAt + ", businessId=" + businessId + "]";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof WebhookEvent e && id.equals(e.id) && type.equals(e.type)
        && gatewayPaymentId.equals(e.gatewayPaymentId) && java.util.Arrays.equals(rawBody, e.rawBody);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(id, type, gatewayPaymentId, java.util.Arrays.hashCode(rawBody));
  }
}

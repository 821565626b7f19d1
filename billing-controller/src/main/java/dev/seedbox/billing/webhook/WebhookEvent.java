package dev.seedbox.billing.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;
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

  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(Integer.MAX_VALUE).maxNumberLength(Integer.MAX_VALUE).build())
      .build();
  private static final Set<String> ENVELOPE = Set.of("id", "type", "created_at", "business_id");
  private static final Set<String> DATA = Set.of("payment_id", "status", "amount_usd");

  /** A field's value as read: its text (a number's own digits) and whether it was a JSON string. */
  private record Scalar(String text, boolean string) {}

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

  /**
   * Parses the envelope of an already verified body; throws naming the first field that is wrong. Streams through
   * the body and skips what it does not read without building it, so no depth of nesting, no length of number and
   * no repeated key outside the envelope can make a correctly signed notice unreadable; a repeated envelope key is
   * refused, since it would be ambiguous.
   */
  public static WebhookEvent parse(byte[] rawBody) {
    try (JsonParser json = JSON.createParser(rawBody)) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        throw new MalformedWebhookException("body must be a JSON object");
      }
      Map<String, Scalar> root = new HashMap<>();
      Map<String, Scalar> data = null;
      Map<String, String> metadata = new LinkedHashMap<>();
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String field = json.currentName();
        JsonToken value = json.nextToken();
        if ("data".equals(field)) {
          if (data != null || value != JsonToken.START_OBJECT) {
            throw new MalformedWebhookException("data must be an object");
          }
          data = readData(json, metadata);
        } else if (ENVELOPE.contains(field)) {
          keep(root, field, field, json);
        } else {
          json.skipChildren();
        }
      }
      if (json.nextToken() != null) {
        throw new MalformedWebhookException("body is not a single JSON document");
      }
      String id = text(root, "id", "id");
      String type = text(root, "type", "type");
      if (data == null) {
        throw new MalformedWebhookException("data must be an object");
      }
      String paymentId = text(data, "payment_id", "data.payment_id");
      String status = text(data, "status", "data.status");
      String createdAtText = text(root, "created_at", "created_at");
      Instant createdAt;
      try {
        createdAt = OffsetDateTime.parse(createdAtText).toInstant();
      } catch (DateTimeParseException e) {
        throw new MalformedWebhookException("created_at must be an ISO-8601 timestamp, found '" + clip(createdAtText)
            + "'");
      }
      String businessId = text(root, "business_id", "business_id");
      Scalar amount = data.get("amount_usd");
      String reported = amount == null ? "" : amount.text();
      return new WebhookEvent(id, type, paymentId, status, createdAt, businessId, metadata, reported, rawBody);
    } catch (IOException e) {
      throw new MalformedWebhookException("body is not a single JSON document");
    }
  }

  private static Map<String, Scalar> readData(JsonParser json, Map<String, String> metadata) throws IOException {
    Map<String, Scalar> data = new HashMap<>();
    boolean metadataSeen = false;
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String field = json.currentName();
      JsonToken value = json.nextToken();
      if ("metadata".equals(field)) {
        if (metadataSeen) {
          throw new MalformedWebhookException("data.metadata appears twice");
        }
        metadataSeen = true;
        if (value == JsonToken.START_OBJECT) {
          readMetadata(json, metadata);
        } else {
          // only used to match a payment whose id we never recorded: anything but an object just matches nothing
          json.skipChildren();
        }
      } else if (DATA.contains(field)) {
        keep(data, field, "data." + field, json);
      } else {
        json.skipChildren();
      }
    }
    return data;
  }

  /** Scalar values by key; a key that appears twice is ambiguous and kept for neither value. */
  private static void readMetadata(JsonParser json, Map<String, String> metadata) throws IOException {
    Set<String> repeated = new HashSet<>();
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String field = json.currentName();
      JsonToken value = json.nextToken();
      if (value.isScalarValue() && value != JsonToken.VALUE_NULL) {
        if (metadata.put(field, json.getText()) != null) {
          repeated.add(field);
        }
      } else {
        json.skipChildren();
      }
    }
    metadata.keySet().removeAll(repeated);
  }

  /** Keeps a scalar as its text (a number's own digits, never parsed); null, objects and arrays keep nothing. */
  private static void keep(Map<String, Scalar> into, String field, String path, JsonParser json) throws IOException {
    JsonToken value = json.currentToken();
    Scalar scalar = value.isScalarValue() && value != JsonToken.VALUE_NULL
        ? new Scalar(json.getText(), value == JsonToken.VALUE_STRING) : new Scalar("", false);
    json.skipChildren();
    if (into.put(field, scalar) != null) {
      throw new MalformedWebhookException(path + " appears twice");
    }
  }

  private static String text(Map<String, Scalar> node, String field, String path) {
    Scalar value = node.get(field);
    if (value == null || !value.string() || value.text().isBlank()) {
      throw new MalformedWebhookException(path + " must be a non-empty string");
    }
    return value.text();
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

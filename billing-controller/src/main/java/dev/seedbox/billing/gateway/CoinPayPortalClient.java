package dev.seedbox.billing.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeMap;

/**
 * CoinPayPortal's payment API on {@code java.net.http}. Shapes follow the gateway's published API reference:
 * {@code POST /api/payments/create} answers 201 {@code {success, payment:{id, payment_address, crypto_amount,
 * blockchain, status, expires_at, ...}}}; {@code GET /api/payments/{id}} answers {@code {success, payment:{...}}};
 * errors are {@code {success:false, error:"..."}}.
 */
public final class CoinPayPortalClient {

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .build();
  private static final int MAX_MESSAGE = 200;

  private final HttpClient http;
  private final URI baseUrl;
  private final String apiKey;
  private final String businessId;
  private final Duration timeout;

  public CoinPayPortalClient(URI baseUrl, String apiKey, String businessId, Duration timeout) {
    this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    String base = baseUrl.toString();
    this.baseUrl = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
    this.apiKey = apiKey;
    this.businessId = businessId;
    this.timeout = timeout;
  }

  /**
   * Creates a payment. The gateway may ignore {@code Idempotency-Key}, so after a timeout or a lost answer a retry
   * can create a second gateway payment; {@code metadata.payment_id} lets its webhook find our row either way.
   */
  public GatewayPayment create(CreatePayment request) {
    HttpRequest httpRequest = HttpRequest.newBuilder(baseUrl.resolve("/api/payments/create"))
        .timeout(timeout)
        .header("Authorization", "Bearer " + apiKey)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .header("Idempotency-Key", request.ourPaymentId())
        .POST(HttpRequest.BodyPublishers.ofByteArray(createBody(request)))
        .build();
    return paymentFrom(send(httpRequest, "create payment"), "create payment");
  }

  /** The gateway's current view of a payment; the poll that repairs missed webhooks uses it. */
  public GatewayPayment get(String gatewayPaymentId) {
    HttpRequest httpRequest = HttpRequest.newBuilder(
            baseUrl.resolve("/api/payments/" + URLEncoder.encode(gatewayPaymentId, StandardCharsets.UTF_8)))
        .timeout(timeout)
        .header("Authorization", "Bearer " + apiKey)
        .header("Accept", "application/json")
        .GET()
        .build();
    return paymentFrom(send(httpRequest, "get payment"), "get payment");
  }

  private byte[] createBody(CreatePayment request) {
    Map<String, String> metadata = new TreeMap<>(request.metadata());
    metadata.put("account_uid", request.accountUid());
    metadata.put("payment_id", request.ourPaymentId());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // Streamed by hand so amount_usd is the BigDecimal's own digits as a JSON number (25.00), never via a double.
    try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("business_id", businessId);
      json.writeFieldName("amount_usd");
      json.writeNumber(request.amountUsd().toPlainString());
      json.writeStringField("blockchain", request.blockchain().name());
      json.writeObjectFieldStart("metadata");
      for (Map.Entry<String, String> entry : metadata.entrySet()) {
        json.writeStringField(entry.getKey(), entry.getValue());
      }
      json.writeEndObject();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private HttpResponse<byte[]> send(HttpRequest request, String what) {
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpTimeoutException e) {
      throw new GatewayTimeoutException(
          "the payment gateway did not answer " + what + " within " + timeout.toMillis() + " ms", e);
    } catch (IOException e) {
      throw new GatewayUnavailableException("the payment gateway could not be reached for " + what + ": "
          + e.getClass().getSimpleName(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GatewayUnavailableException("interrupted while calling the payment gateway for " + what, e);
    }
    int status = response.statusCode();
    if (status >= 500) {
      throw new GatewayUnavailableException("the payment gateway answered " + what + " with HTTP " + status, null);
    }
    if (status >= 400) {
      throw new GatewayRejectedException(status, errorMessage(response.body()));
    }
    if (status < 200 || status >= 300) {
      throw new GatewayUnavailableException("the payment gateway answered " + what + " with HTTP " + status, null);
    }
    return response;
  }

  private static String errorMessage(byte[] body) {
    try {
      JsonNode error = JSON.readTree(body).path("error");
      if (error.isTextual() && !error.asText().isBlank()) {
        return clip(error.asText());
      }
    } catch (IOException | RuntimeException ignored) {
      // not the documented error shape
    }
    return "no error message";
  }

  private static GatewayPayment paymentFrom(HttpResponse<byte[]> response, String what) {
    try {
      JsonNode root = JSON.readTree(response.body());
      JsonNode payment = root == null ? null : root.get("payment");
      if (payment == null || !payment.isObject() || !root.path("success").asBoolean(true)) {
        throw malformed(what, "no payment object");
      }
      String id = required(payment, "id", what);
      String address = payment.path("payment_address").asText("");
      String crypto = firstText(payment, "crypto_amount", "amount_crypto");
      String chain = firstText(payment, "blockchain", "currency");
      String status = payment.path("status").asText("");
      JsonNode usd = payment.has("amount_usd") ? payment.get("amount_usd") : payment.get("amount");
      BigDecimal amountUsd = usd == null || usd.isNull() ? null : new BigDecimal(usd.asText());
      String expires = payment.path("expires_at").asText("");
      Instant expiresAt = expires.isEmpty() ? null : OffsetDateTime.parse(expires).toInstant();
      return new GatewayPayment(id, status, address, crypto, chain, amountUsd, expiresAt);
    } catch (IOException | DateTimeParseException | NumberFormatException e) {
      throw new GatewayUnavailableException("the payment gateway's answer to " + what + " is malformed: "
          + e.getClass().getSimpleName(), e);
    }
  }

  private static String required(JsonNode node, String field, String what) {
    JsonNode value = node.get(field);
    if (value == null || !value.isValueNode() || value.asText().isBlank()) {
      throw malformed(what, "payment." + field + " is missing");
    }
    return value.asText();
  }

  private static String firstText(JsonNode node, String first, String second) {
    JsonNode value = node.hasNonNull(first) ? node.get(first) : node.get(second);
    return value == null || value.isNull() ? "" : value.asText();
  }

  private static GatewayUnavailableException malformed(String what, String detail) {
    return new GatewayUnavailableException("the payment gateway's answer to " + what + " is malformed: " + detail, null);
  }

  private static String clip(String value) {
    String oneLine = value.replaceAll("[\\r\\n\\t]+", " ");
    return oneLine.length() > MAX_MESSAGE ? oneLine.substring(0, MAX_MESSAGE) + "..." : oneLine;
  }
}

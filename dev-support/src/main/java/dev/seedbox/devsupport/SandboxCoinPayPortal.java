package dev.seedbox.devsupport;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A stateful stand-in for CoinPayPortal's payment API on loopback, speaking its paths, JSON and status codes, plus a
 * webhook sender that delivers as the gateway does: {@code x-coinpay-signature: t=..,v1=..} (lowercase hex
 * HMAC-SHA256 over {@code <t>.<body>}), {@code x-coinpay-event} and a {@code x-coinpay-delivery} id. It signs with its
 * own code, not the billing-controller's verifier, so a test proves the two sides agree. It can be down (5xx), slow,
 * refuse our key, lose an answer after creating the payment, and ignore {@code Idempotency-Key} as the real gateway
 * may. The dev stack runs it as its sandbox gateway; the billing-controller's tests run it as their gateway.
 */
public final class SandboxCoinPayPortal implements AutoCloseable {

  public static final String SIGNATURE_HEADER = "x-coinpay-signature";
  public static final String EVENT_HEADER = "x-coinpay-event";
  public static final String DELIVERY_HEADER = "x-coinpay-delivery";

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
      .build();

  /** One payment as the fake stores it. */
  public record Payment(
      String id, String businessId, BigDecimal amountUsd, String blockchain, Map<String, String> metadata,
      String idempotencyKey, String paymentAddress, String cryptoAmount, Instant createdAt, Instant expiresAt,
      String status) {

    Payment withStatus(String newStatus) {
      return new Payment(id, businessId, amountUsd, blockchain, metadata, idempotencyKey, paymentAddress, cryptoAmount,
          createdAt, expiresAt, newStatus);
    }
  }

  private final String apiKey;
  private final String businessId;
  private final String webhookSecret;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, Payment> payments = new ConcurrentHashMap<>();
  private final List<String> createBodies = new ArrayList<>();
  private final AtomicInteger createCalls = new AtomicInteger();
  private final List<String> asked = new ArrayList<>();
  private final List<Long> askedAtNanos = new ArrayList<>();
  private final AtomicLong events = new AtomicLong();
  private final HttpClient webhookClient = HttpClient.newHttpClient();
  private volatile boolean honourIdempotencyKey = true;
  private volatile int failWithStatus;
  private volatile int rejectStatus;
  private volatile String rejectMessage = "";
  private volatile Duration delay = Duration.ZERO;
  // when the next create to lose was asked for: a slow create that arrived before then is not the one to lose
  private final AtomicLong loseCreatesArrivedFrom = new AtomicLong(Long.MAX_VALUE);
  private volatile boolean malformedAnswers;
  private volatile Clock clock = Clock.systemUTC();
  private volatile URI webhookTarget;

  public SandboxCoinPayPortal(String apiKey, String businessId, String webhookSecret) {
    this.apiKey = apiKey;
    this.businessId = businessId;
    this.webhookSecret = webhookSecret;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(executor);
    server.createContext("/api/payments", this::handle);
    server.createContext("/sandbox/payments", this::pay);
    server.start();
  }

  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * Where {@code POST /sandbox/payments/<id>/pay} delivers its {@code payment.confirmed} webhook: the
   * billing-controller's webhook endpoint.
   */
  public SandboxCoinPayPortal deliverWebhooksTo(URI webhookUrl) {
    this.webhookTarget = webhookUrl;
    return this;
  }

  /** What a customer's wallet does in the sandbox: pays payment {@code id} (POST, no body). */
  public URI payUrl(String paymentId) {
    return baseUrl().resolve("/sandbox/payments/" + paymentId + "/pay");
  }

  // ---- behaviour switches ----

  /** The real gateway may ignore the key; then every create makes a new payment. */
  public SandboxCoinPayPortal honourIdempotencyKey(boolean honour) {
    this.honourIdempotencyKey = honour;
    return this;
  }

  /** Answer every call with this 5xx status (0 = healthy). */
  public SandboxCoinPayPortal failWith(int status) {
    this.failWithStatus = status;
    return this;
  }

  /** Answer creates with this 4xx and the gateway's error shape (0 = accept). */
  public SandboxCoinPayPortal rejectWith(int status, String message) {
    this.rejectStatus = status;
    this.rejectMessage = message;
    return this;
  }

  /** Wait this long before answering (and before creating anything). */
  public SandboxCoinPayPortal delay(Duration delay) {
    this.delay = delay;
    return this;
  }

  /** The next create stores the payment and then drops the connection without answering. */
  public SandboxCoinPayPortal loseNextAnswer() {
    loseCreatesArrivedFrom.set(System.nanoTime());
    return this;
  }

  /** Answer 200 with a body that is not the documented shape. */
  public SandboxCoinPayPortal malformedAnswers(boolean malformed) {
    this.malformedAnswers = malformed;
    return this;
  }

  public SandboxCoinPayPortal clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  public SandboxCoinPayPortal healthy() {
    failWithStatus = 0;
    rejectStatus = 0;
    delay = Duration.ZERO;
    loseCreatesArrivedFrom.set(Long.MAX_VALUE);
    malformedAnswers = false;
    return this;
  }

  // ---- state ----

  public List<Payment> payments() {
    return List.copyOf(payments.values());
  }

  public Optional<Payment> payment(String id) {
    return Optional.ofNullable(payments.get(id));
  }

  public int createCalls() {
    return createCalls.get();
  }

  public synchronized List<String> createBodies() {
    return List.copyOf(createBodies);
  }

  /** The payment ids {@code GET /api/payments/{id}} asked about, in order. */
  public synchronized List<String> asked() {
    return List.copyOf(asked);
  }

  /** When each of {@link #asked()} arrived, by {@link System#nanoTime()}. */
  public synchronized List<Long> askedAtNanos() {
    return List.copyOf(askedAtNanos);
  }

  /** Moves a payment to a new status, as the gateway does when it sees funds or gives up. */
  public void setStatus(String paymentId, String status) {
    payments.computeIfPresent(paymentId, (id, p) -> p.withStatus(status));
  }

  // ---- webhooks ----

  /** A webhook about one of the fake's payments (or any id), ready to be varied and sent. */
  public Webhook webhook(String type, String paymentId) {
    return new Webhook(type, paymentId);
  }

  /** A webhook delivery, signed as the gateway signs it unless told otherwise. */
  public final class Webhook {
    private final String type;
    private final String paymentId;
    private String amountUsd;
    private String secret = webhookSecret;
    private Instant signedAt;
    private String business = businessId;
    private String body;
    private String signature;

    private Webhook(String type, String paymentId) {
      this.type = type;
      this.paymentId = paymentId;
      Payment payment = payments.get(paymentId);
      this.amountUsd = payment == null ? "10.00" : payment.amountUsd().toPlainString();
    }

    /** Report a different amount than we asked for (the gateway's sender paths differ). */
    public Webhook amountUsd(String amount) {
      this.amountUsd = amount;
      return this;
    }

    public Webhook secret(String otherSecret) {
      this.secret = otherSecret;
      return this;
    }

    public Webhook signedAt(Instant at) {
      this.signedAt = at;
      return this;
    }

    public Webhook businessId(String id) {
      this.business = id;
      return this;
    }

    /** Replace the body (signed as given). */
    public Webhook body(String rawBody) {
      this.body = rawBody;
      return this;
    }

    /** Replace the signature header, or drop it with {@code null}. */
    public Webhook signature(String header) {
      this.signature = header;
      this.signatureSet = true;
      return this;
    }

    private boolean signatureSet;
    private String eventHeader;
    private String deliveryId;
    private boolean deliverySet;

    public String rawBody() {
      if (body != null) {
        return body;
      }
      Payment payment = payments.get(paymentId);
      ObjectNode root = JSON.createObjectNode();
      // The event id changes on every send, as the gateway's does on resend.
      root.put("id", "evt_" + paymentId + "_" + events.incrementAndGet());
      root.put("type", type);
      root.put("business_id", business);
      ObjectNode data = root.putObject("data");
      data.put("payment_id", paymentId);
      data.put("status", statusFor(type));
      data.put("amount_usd", amountUsd);
      data.put("amount_crypto", payment == null ? "0.001" : payment.cryptoAmount());
      data.put("currency", payment == null ? "BTC" : payment.blockchain());
      if (payment != null) {
        ObjectNode metadata = data.putObject("metadata");
        payment.metadata().forEach(metadata::put);
        data.put("payment_address", payment.paymentAddress());
      }
      root.put("created_at", clock.instant().toString());
      body = root.toString();
      return body;
    }

    public String signatureHeader() {
      if (signatureSet) {
        return signature;
      }
      long t = (signedAt == null ? clock.instant() : signedAt).getEpochSecond();
      return sign(secret, t, rawBody().getBytes(StandardCharsets.UTF_8));
    }

    /** Send it with these delivery headers instead of the ones the gateway would set ({@code null} drops one). */
    public Webhook delivery(String eventHeader, String deliveryId) {
      this.eventHeader = eventHeader;
      this.deliveryId = deliveryId;
      this.deliverySet = true;
      return this;
    }

    /** The delivery id the gateway puts on this delivery; a resend of the same delivery keeps it. */
    public String deliveryId() {
      if (!deliverySet && deliveryId == null) {
        deliveryId = "dlv_" + java.util.UUID.randomUUID();
      }
      return deliveryId;
    }

    /** POSTs it to our webhook route and returns the answer. */
    public HttpResponse<String> sendTo(URI webhookUrl) {
      String raw = rawBody();
      HttpRequest.Builder request = HttpRequest.newBuilder(webhookUrl)
          .header("Content-Type", "application/json")
          .header("User-Agent", "CoinPay-Webhook/1.0")
          .POST(HttpRequest.BodyPublishers.ofString(raw, StandardCharsets.UTF_8));
      String header = signatureHeader();
      if (header != null) {
        request.header(SIGNATURE_HEADER, header);
      }
      String event = deliverySet ? eventHeader : type;
      if (event != null) {
        request.header(EVENT_HEADER, event);
      }
      if (deliveryId() != null) {
        request.header(DELIVERY_HEADER, deliveryId());
      }
      try {
        return webhookClient.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** The signature header the gateway puts on {@code rawBody} at {@code timestamp}. */
  public static String sign(String secret, long timestamp, byte[] rawBody) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
      return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(mac.doFinal(rawBody));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
    }
  }

  private static String statusFor(String type) {
    return switch (type) {
      case "payment.confirmed" -> "confirmed";
      case "payment.forwarded" -> "forwarded";
      case "payment.expired" -> "expired";
      default -> "pending";
    };
  }

  // ---- HTTP ----

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      long arrived = System.nanoTime();
      byte[] body = exchange.getRequestBody().readAllBytes();
      String requested = exchange.getRequestURI().getPath();
      if ("GET".equals(exchange.getRequestMethod()) && requested.startsWith("/api/payments/")) {
        synchronized (this) {
          asked.add(requested.substring("/api/payments/".length()));
          askedAtNanos.add(System.nanoTime());
        }
      }
      sleep(delay);
      if (failWithStatus > 0) {
        respond(exchange, failWithStatus, "{\"success\":false,\"error\":\"Internal server error\"}");
        return;
      }
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if ("POST".equals(method) && "/api/payments/create".equals(path)) {
        if (!authorized(exchange)) {
          respond(exchange, 401, "{\"success\":false,\"error\":\"Authentication required\"}");
          return;
        }
        create(exchange, body, arrived);
      } else if ("GET".equals(method) && path.startsWith("/api/payments/")) {
        Payment payment = payments.get(path.substring("/api/payments/".length()));
        if (payment == null) {
          respond(exchange, 404, "{\"success\":false,\"error\":\"Payment not found\"}");
          return;
        }
        respond(exchange, 200, answer(payment, false));
      } else {
        respond(exchange, 404, "{\"success\":false,\"error\":\"Not found\"}");
      }
    }
  }

  /**
   * {@code POST /sandbox/payments/<id>/pay}: the payment is confirmed and the signed {@code payment.confirmed}
   * webhook goes to the billing-controller, as the gateway sends it once the chain confirms a payment. Answers
   * with the webhook endpoint's status, so a caller sees whether it was credited.
   */
  private void pay(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getPath();
      String[] parts = path.split("/");
      if (!"POST".equals(exchange.getRequestMethod()) || parts.length != 5 || !"pay".equals(parts[4])) {
        respond(exchange, 404, "{\"success\":false,\"error\":\"Not found: POST /sandbox/payments/<id>/pay\"}");
        return;
      }
      String id = parts[3];
      Payment payment = payments.get(id);
      if (payment == null) {
        respond(exchange, 404, "{\"success\":false,\"error\":\"Payment not found\"}");
        return;
      }
      URI target = webhookTarget;
      if (target == null) {
        respond(exchange, 409, "{\"success\":false,\"error\":\"no webhook endpoint configured\"}");
        return;
      }
      setStatus(id, "confirmed");
      HttpResponse<String> delivered = webhook("payment.confirmed", id).sendTo(target);
      respond(exchange, delivered.statusCode() / 100 == 2 ? 200 : 502, "{\"success\":true,\"paymentId\":\""
          + id + "\",\"status\":\"confirmed\",\"webhookStatus\":" + delivered.statusCode() + "}");
    }
  }

  private boolean authorized(HttpExchange exchange) {
    return ("Bearer " + apiKey).equals(exchange.getRequestHeaders().getFirst("Authorization"));
  }

  private void create(HttpExchange exchange, byte[] body, long arrived) throws IOException {
    createCalls.incrementAndGet();
    synchronized (this) {
      createBodies.add(new String(body, StandardCharsets.UTF_8));
    }
    if (rejectStatus > 0) {
      respond(exchange, rejectStatus, "{\"success\":false,\"error\":" + JSON.writeValueAsString(rejectMessage) + "}");
      return;
    }
    JsonNode request = JSON.readTree(body);
    if (!request.path("amount_usd").isNumber() || !businessId.equals(request.path("business_id").asText())) {
      respond(exchange, 400, "{\"success\":false,\"error\":\"Validation error\"}");
      return;
    }
    String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
    if (honourIdempotencyKey && key != null) {
      Optional<Payment> existing = payments.values().stream().filter(p -> key.equals(p.idempotencyKey())).findFirst();
      if (existing.isPresent()) {
        respond(exchange, 201, answer(existing.get(), true));
        return;
      }
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    request.path("metadata").fields().forEachRemaining(f -> metadata.put(f.getKey(), f.getValue().asText()));
    String id = "pay_" + java.util.UUID.randomUUID();
    Instant now = clock.instant();
    BigDecimal amount = request.get("amount_usd").decimalValue();
    Payment payment = new Payment(id, businessId, amount, request.path("blockchain").asText(), Map.copyOf(metadata),
        key, "addr_" + id.substring(4, 16), amount.divide(new BigDecimal("65000"), 8, java.math.RoundingMode.UP)
        .toPlainString(), now, now.plus(Duration.ofHours(1)), "pending");
    payments.put(id, payment);
    long armed = loseCreatesArrivedFrom.get();
    if (arrived >= armed && loseCreatesArrivedFrom.compareAndSet(armed, Long.MAX_VALUE)) {
      // Created, but the answer never leaves: closing the exchange before any status line drops the connection.
      return;
    }
    if (malformedAnswers) {
      respond(exchange, 201, "{\"success\":true,\"payment\":");
      return;
    }
    respond(exchange, 201, answer(payment, true));
  }

  private static String answer(Payment payment, boolean withUsage) {
    ObjectNode root = JSON.createObjectNode();
    root.put("success", true);
    ObjectNode p = root.putObject("payment");
    p.put("id", payment.id());
    p.put("business_id", payment.businessId());
    p.put("amount", payment.amountUsd());
    p.put("amount_usd", payment.amountUsd());
    p.put("crypto_amount", payment.cryptoAmount());
    p.put("amount_crypto", payment.cryptoAmount());
    p.put("blockchain", payment.blockchain());
    p.put("currency", payment.blockchain().toLowerCase(java.util.Locale.ROOT));
    p.put("status", payment.status());
    p.put("payment_address", payment.paymentAddress());
    p.put("created_at", payment.createdAt().toString());
    p.put("expires_at", payment.expiresAt().toString());
    if (withUsage) {
      root.putObject("usage").put("current", 1).put("limit", 100).put("remaining", 99);
    }
    return root.toString();
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static void sleep(Duration duration) {
    if (duration.isZero()) {
      return;
    }
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}

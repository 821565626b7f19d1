package dev.seedbox.billing;

import static dev.seedbox.billing.JsonAnswers.error;
import static dev.seedbox.billing.JsonAnswers.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.seedbox.billing.account.AccountQueries;
import dev.seedbox.billing.account.AccountView;
import dev.seedbox.billing.gateway.Blockchain;
import dev.seedbox.billing.gateway.GatewayPayment;
import dev.seedbox.billing.gateway.GatewayRejectedException;
import dev.seedbox.billing.gateway.GatewayTimeoutException;
import dev.seedbox.billing.gateway.GatewayUnavailableException;
import dev.seedbox.billing.gateway.PaymentGateway;
import dev.seedbox.billing.topup.AccountRef;
import dev.seedbox.billing.topup.IdempotencyConflictException;
import dev.seedbox.billing.topup.TopUp;
import dev.seedbox.billing.topup.TopUps;
import dev.seedbox.billing.topup.UnknownAccountException;
import dev.seedbox.billing.topup.UsdAmount;
import dev.seedbox.billing.webhook.WebhookIntake;
import dev.seedbox.runtime.HealthEndpoints;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The billing-controller's HTTP surface: the gateway's webhook, the {@code /v1} API for the storefront, and health
 * and metrics. Domain calls that may block (PostgreSQL, the gateway) run on worker threads, never the event loop.
 *
 * <p>Graceful stop: new requests are refused with 503 (and readiness fails) while requests in flight finish, up to
 * a deadline; only then is the listening socket closed.
 */
public final class BillingServer {

  private static final Logger LOG = LoggerFactory.getLogger(BillingServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int API_BODY_LIMIT = 16 * 1024;
  static final String API_DOCUMENT_PATH = "/v1/openapi.json";
  private static final byte[] API_DOCUMENT = readApiDocument();
  private static final int RECENT_ENTRIES = 20;
  private static final Pattern REQUEST_KEY = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  /** What the server itself needs beyond its collaborators. */
  public record Settings(int port, String apiToken, int webhookMaxBytes) {}

  private final Vertx vertx;
  private final Settings settings;
  private final WebhookRoute webhooks;
  private final TopUps topUps;
  private final AccountQueries accounts;
  private final MeterRegistry metrics;
  private final HealthEndpoints health;
  private final byte[] apiTokenHash;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean draining;
  private HttpServer server;
  private Router router;

  public BillingServer(Vertx vertx, Settings settings, List<PaymentGateway> gateways, WebhookIntake intake,
      TopUps topUps, AccountQueries accounts, MeterRegistry metrics, HealthEndpoints health) {
    this.vertx = vertx;
    this.settings = settings;
    this.webhooks = new WebhookRoute(vertx, gateways, intake, metrics);
    this.topUps = topUps;
    this.accounts = accounts;
    this.metrics = metrics;
    this.health = health.readyWhen("accepting", () -> !draining);
    this.apiTokenHash = sha256(settings.apiToken());
  }

  /** Listens on the configured port (0 picks a free one) and returns the port. */
  public int start() {
    router = router();
    try {
      server = vertx.createHttpServer().requestHandler(router).invalidRequestHandler(BillingServer::invalidRequest)
          .listen(settings.port())
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("could not listen on port " + settings.port(), e);
    }
    LOG.info("billing-controller listening on port {}", server.actualPort());
    return server.actualPort();
  }

  public int port() {
    return server.actualPort();
  }

  /** Requests being served right now. */
  public int inFlight() {
    return inFlight.get();
  }

  /**
   * Refuses new requests, waits up to {@code deadline} for those in flight, then closes the socket. Blocks; call it
   * from a shutdown hook, not from the event loop.
   */
  public void stop(Duration deadline) {
    draining = true;
    long until = System.nanoTime() + deadline.toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < until) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    int left = inFlight.get();
    if (left > 0) {
      LOG.warn("stopping with {} requests still in flight after {}", left, deadline);
    }
    if (server != null) {
      try {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("closing the HTTP server failed: {}", e.toString());
      }
    }
  }

  /**
   * The operations the router serves under {@code /v1}, as {@code METHOD /v1/path/{param}}: what the API document
   * must describe, no more and no less.
   */
  public List<String> apiOperations() {
    List<String> operations = new java.util.ArrayList<>();
    for (Route route : router.getRoutes()) {
      String path = route.getPath();
      if (path == null || !path.startsWith("/v1/") || route.methods() == null || path.endsWith("*")) {
        continue;
      }
      for (HttpMethod method : route.methods()) {
        operations.add(method.name() + " " + path.replaceAll(":([A-Za-z0-9_]+)", "{$1}"));
      }
    }
    return operations;
  }

  private void apiDocument(RoutingContext ctx) {
    ctx.response().setStatusCode(200).putHeader("content-type", "application/json").end(Buffer.buffer(API_DOCUMENT));
  }

  private Router router() {
    Router router = Router.router(vertx);
    router.route().order(-1).handler(this::track);
    health.mount(router);

    router.post("/webhooks/:gateway")
        .handler(BodyHandler.create(false).setBodyLimit(settings.webhookMaxBytes()))
        .handler(this::requireLength)
        .handler(webhooks::handle)
        .failureHandler(this::webhookFailure);

    // the API's own description is public, like a page of documentation
    router.get(API_DOCUMENT_PATH).handler(this::apiDocument);
    router.route("/v1/*").handler(this::authenticate);
    router.post("/v1/accounts/:namespace/:name/topups")
        .handler(BodyHandler.create(false).setBodyLimit(API_BODY_LIMIT))
        .handler(this::requireLength)
        .handler(this::topUp);
    router.get("/v1/accounts/:namespace/:name").handler(this::account);
    router.route("/v1/*").failureHandler(this::apiFailure);
    router.errorHandler(404, ctx -> error(ctx, 404, "no such resource"));
    router.errorHandler(405, ctx -> error(ctx, 405, "method not allowed here"));
    return router;
  }

  private void track(RoutingContext ctx) {
    // Count first, then look at the flag: stop() sets the flag first, then waits for the count, so no request can
    // slip in between and be cut off by the close.
    inFlight.incrementAndGet();
    ctx.addEndHandler(done -> inFlight.decrementAndGet());
    if (draining) {
      ctx.response().putHeader("connection", "close");
      error(ctx, 503, "shutting down");
      return;
    }
    ctx.next();
  }

  /**
   * A body must come with its length: without Content-Length or chunked encoding HTTP/1.x gives it none (an
   * HTTP/1.0 sender then means "until I close"), and checking a signature over nothing would only mislead.
   */
  private void requireLength(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (request.getHeader("Content-Length") == null && request.getHeader("Transfer-Encoding") == null) {
      ctx.response().putHeader("connection", "close");
      error(ctx, 411, "a request body needs a Content-Length");
      return;
    }
    ctx.next();
  }

  private void webhookFailure(RoutingContext ctx) {
    if (ctx.statusCode() == 413) {
      webhooks.rejected(ctx.pathParam("gateway"), "too_large");
      error(ctx, 413, "webhook body larger than " + settings.webhookMaxBytes() + " bytes");
      return;
    }
    LOG.error("webhook request failed", ctx.failure());
    error(ctx, ctx.statusCode() > 0 ? ctx.statusCode() : 500, "not processed");
  }

  /** Requests the HTTP decoder refused before any route saw them (an over-long header or request line). */
  private static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = cause instanceof TooLongHttpHeaderException ? 431
        : cause instanceof TooLongHttpLineException ? 414 : 400;
    String message = status == 431 ? "request header fields too large"
        : status == 414 ? "request line too long" : "malformed HTTP request";
    request.response().setStatusCode(status).putHeader("content-type", "application/json")
        .putHeader("connection", "close").end(new JsonObject().put("error", message).encode());
  }

  // ---- /v1 ----

  private void authenticate(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    String presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        ? header.substring(7).trim() : "";
    // Hashes have equal length, so isEqual's time does not depend on how much of the token was right.
    if (presented.isEmpty() || !MessageDigest.isEqual(apiTokenHash, sha256(presented))) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      error(ctx, 401, "a valid bearer token is required");
      return;
    }
    ctx.next();
  }

  private void topUp(RoutingContext ctx) {
    AccountRef account;
    UsdAmount amount;
    Blockchain blockchain;
    String requestKey;
    try {
      account = new AccountRef(ctx.pathParam("namespace"), ctx.pathParam("name"));
      JsonNode body = readObject(ctx);
      amount = parseAmount(body.get("amountUsd"));
      blockchain = parseBlockchain(body.get("blockchain"));
      requestKey = requestKey(ctx.request().getHeader("Idempotency-Key"));
    } catch (InvalidFieldException e) {
      invalid(ctx, e);
      return;
    }
    vertx.executeBlocking((Callable<TopUp>) () -> topUps.start(account, amount, blockchain, requestKey), false)
        .onSuccess(topUp -> json(ctx, 201, topUpJson(topUp)))
        .onFailure(failure -> topUpFailure(ctx, account, failure));
  }

  private void topUpFailure(RoutingContext ctx, AccountRef account, Throwable failure) {
    if (failure instanceof InvalidFieldException e) {
      invalid(ctx, e);
    } else if (failure instanceof UnknownAccountException) {
      error(ctx, 404, "no billing account " + account);
    } else if (failure instanceof IdempotencyConflictException e) {
      error(ctx, 409, e.getMessage());
    } else if (failure instanceof GatewayTimeoutException) {
      error(ctx, 504, "the payment gateway did not answer in time; retry with the same Idempotency-Key");
    } else if (failure instanceof GatewayUnavailableException) {
      error(ctx, 502, "the payment gateway is unavailable; retry with the same Idempotency-Key");
    } else if (failure instanceof GatewayRejectedException e) {
      error(ctx, e.callerCanFix() ? 400 : 502, "the payment gateway rejected the top-up: " + e.gatewayMessage());
    } else {
      LOG.error("top-up for {} failed", account, failure);
      error(ctx, 500, "internal error");
    }
  }

  private void account(RoutingContext ctx) {
    AccountRef account;
    try {
      account = new AccountRef(ctx.pathParam("namespace"), ctx.pathParam("name"));
    } catch (InvalidFieldException e) {
      invalid(ctx, e);
      return;
    }
    vertx.executeBlocking(() -> accounts.find(account, RECENT_ENTRIES), false)
        .onSuccess(found -> found.ifPresentOrElse(
            view -> json(ctx, 200, accountJson(view)),
            () -> error(ctx, 404, "no billing account " + account)))
        .onFailure(failure -> {
          LOG.error("reading account {} failed", account, failure);
          error(ctx, 500, "internal error");
        });
  }

  private void apiFailure(RoutingContext ctx) {
    if (ctx.statusCode() == 413) {
      error(ctx, 413, "request body larger than " + API_BODY_LIMIT + " bytes");
      return;
    }
    LOG.error("API request failed", ctx.failure());
    error(ctx, ctx.statusCode() > 0 ? ctx.statusCode() : 500, "internal error");
  }

  private static JsonNode readObject(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    JsonNode node;
    try {
      node = body == null ? null : JSON.readTree(body.getBytes());
    } catch (IOException e) {
      throw new InvalidFieldException("body", "must be a JSON object");
    }
    if (node == null || !node.isObject()) {
      throw new InvalidFieldException("body", "must be a JSON object");
    }
    return node;
  }

  private static UsdAmount parseAmount(JsonNode node) {
    if (node != null && node.isNumber()) {
      // A JSON number may already have been through a double on the caller's side; a string cannot have.
      throw new InvalidFieldException("amountUsd", "must be a decimal string such as \"25.00\", not a JSON number");
    }
    return UsdAmount.parse("amountUsd", node == null || node.isNull() ? null : node.isTextual() ? node.asText() : "?");
  }

  private static Blockchain parseBlockchain(JsonNode node) {
    if (node == null || !node.isTextual()) {
      throw new InvalidFieldException("blockchain", "is required, one of " + Blockchain.allowed());
    }
    return Blockchain.parse(node.asText()).orElseThrow(
        () -> new InvalidFieldException("blockchain", "must be one of " + Blockchain.allowed()));
  }

  private static String requestKey(String header) {
    if (header == null) {
      return UUID.randomUUID().toString();
    }
    if (!REQUEST_KEY.matcher(header).matches()) {
      throw new InvalidFieldException("Idempotency-Key", "must be 1-128 characters of A-Z a-z 0-9 . _ : -");
    }
    return header;
  }

  private static JsonObject topUpJson(TopUp topUp) {
    GatewayPayment gateway = topUp.gateway();
    return new JsonObject()
        .put("paymentId", topUp.payment().id())
        .put("namespace", topUp.payment().account().namespace())
        .put("name", topUp.payment().account().name())
        .put("amountUsd", topUp.payment().amount().toString())
        .put("blockchain", topUp.payment().blockchain().name())
        .put("gatewayPaymentId", gateway.id())
        .put("paymentAddress", gateway.paymentAddress())
        .put("cryptoAmount", gateway.cryptoAmount())
        .put("status", gateway.status())
        .put("expiresAt", gateway.expiresAt() == null ? null : gateway.expiresAt().toString());
  }

  private static JsonObject accountJson(AccountView view) {
    JsonArray entries = new JsonArray();
    view.recentEntries().forEach(entry -> entries.add(new JsonObject()
        .put("occurredAt", entry.occurredAt().toString())
        .put("kind", entry.kind())
        .put("amountCents", entry.amountCents())
        .put("balanceAfterCents", entry.balanceAfterCents())
        .put("reference", entry.reference())));
    return new JsonObject()
        .put("namespace", view.account().namespace())
        .put("name", view.account().name())
        .put("uid", view.uid())
        .put("balanceCents", view.balanceCents())
        .put("state", view.state())
        .put("lowBalanceThresholdCents", view.lowBalanceThresholdCents())
        .put("monthlyBurnCents", view.monthlyBurnCents())
        .put("runwayDays", view.runwayDays())
        .put("recentEntries", entries);
  }

  private static void invalid(RoutingContext ctx, InvalidFieldException e) {
    json(ctx, 400, new JsonObject().put("error", e.getMessage()).put("field", e.field()));
  }

  private static byte[] readApiDocument() {
    try (java.io.InputStream in = BillingServer.class.getResourceAsStream("openapi-v1.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi-v1.json is missing from the billing-controller's jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
    }
  }
}

package dev.seedbox.billing;

import dev.seedbox.billing.topup.AccountRef;
import dev.seedbox.devsupport.SandboxCoinPayPortal;
import dev.seedbox.ledger.AccountSpec;
import dev.seedbox.ledger.LedgerModule;
import dev.seedbox.ledger.testing.PostgresDatabase;
import dev.seedbox.runtime.Command;
import dev.seedbox.runtime.Environment;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real billing-controller wiring on a loopback port for a test class: a fresh embedded PostgreSQL database (the
 * service connects as the runtime role), and the sandbox CoinPayPortal as its gateway. Account
 * {@code customers/alice} is open.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final RunningBillingController billing = new RunningBillingController(8).clock(CLOCK).env("SEEDBOX_X", "1");
 * </pre>
 * Outside JUnit (a benchmark), call {@link #start()} and {@link #close()} yourself.
 */
public final class RunningBillingController implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

  public static final String API_TOKEN = "test-api-token-0123456789";
  public static final String API_KEY = "cp_live_test_key";
  public static final String BUSINESS_ID = "biz_test";
  public static final String SECRET = "whsec_current_secret";
  public static final String PREVIOUS_SECRET = "whsec_previous_secret";
  public static final AccountRef ACCOUNT = new AccountRef("customers", "alice");
  public static final String ACCOUNT_UID = "uid-alice";
  /** Every table a webhook or a top-up can write. */
  public static final List<String> TABLES = List.of("seedbox_payments", "seedbox_webhook_events",
      "seedbox_unmatched_webhook_events", "seedbox_ledger_entries", "seedbox_audit_events");

  public final SandboxCoinPayPortal gateway = new SandboxCoinPayPortal(API_KEY, BUSINESS_ID, SECRET);
  public final PostgresDatabase db;
  public BillingApplication app;
  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, String> overrides = new HashMap<>();
  private Clock clock = Clock.systemUTC();

  /** @param poolSize the runtime role's pool in the test database */
  public RunningBillingController(int poolSize) {
    this.db = new PostgresDatabase(poolSize);
  }

  public RunningBillingController clock(Clock testClock) {
    this.clock = testClock;
    return this;
  }

  /** A configuration variable on top of the test defaults. */
  public RunningBillingController env(String name, String value) {
    overrides.put(name, value);
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /** Creates the database and starts the service. */
  public RunningBillingController start() {
    db.create();
    gateway.clock(clock);
    Map<String, String> env = new HashMap<>();
    env.put("SEEDBOX_DB_URL", db.jdbcUrl(PostgresDatabase.RUNTIME_ROLE));
    env.put("SEEDBOX_DB_USER", PostgresDatabase.RUNTIME_ROLE);
    env.put("SEEDBOX_DB_PASSWORD", PostgresDatabase.PASSWORD);
    env.put("SEEDBOX_HTTP_PORT", Integer.toString(freePort()));
    env.put("SEEDBOX_API_TOKEN", API_TOKEN);
    env.put("SEEDBOX_COINPAYPORTAL_API_URL", gateway.baseUrl().toString());
    env.put("SEEDBOX_COINPAYPORTAL_API_KEY", API_KEY);
    env.put("SEEDBOX_COINPAYPORTAL_BUSINESS_ID", BUSINESS_ID);
    env.put("SEEDBOX_COINPAYPORTAL_WEBHOOK_SECRET", SECRET);
    env.put("SEEDBOX_COINPAYPORTAL_WEBHOOK_SECRET_PREVIOUS", PREVIOUS_SECRET);
    env.put("SEEDBOX_WEBHOOK_MAX_BYTES", "4096");
    env.put("SEEDBOX_GATEWAY_TIMEOUT", "PT0.5S");
    // tests run the worker by hand unless they ask for a schedule
    env.put("SEEDBOX_BILLING_INTERVAL", "PT1H");
    env.put("SEEDBOX_PAYMENT_POLL_INTERVAL", "PT1H");
    env.putAll(overrides);
    Environment environment = Environment.of(env);
    BillingConfig config = BillingConfig.read(environment, Command.RUN);
    environment.check();
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // the test database owns its pool; the backend must not close it
    LedgerBackend ledger = LedgerBackend.open(db.runtime(), null, clock, metrics);
    openAccount(ledger.module(), ACCOUNT_UID, ACCOUNT.name());
    app = BillingApplication.start(config, metrics, ledger, clock);
    return this;
  }

  /** Opens (idempotently) an account as the operator's BillingAccount reconciler would. */
  public static void openAccount(LedgerModule module, String uid, String name) {
    module.ledger().openAccount(new AccountSpec(uid, "customers", name, name + "@example.com", "USD", 0, 7),
        "test-operator");
  }

  public LedgerModule ledger() {
    return app.ledger().module();
  }

  /** Reads behind the service's back, as the superuser. */
  public Jdbi superuser() {
    return Jdbi.create(db.superuser());
  }

  public long count(String sql, Object... args) {
    return superuser().withHandle(h -> {
      var query = h.createQuery(sql);
      for (int i = 0; i < args.length; i++) {
        query.bind(i, args[i]);
      }
      return query.mapTo(Long.class).one();
    });
  }

  /** Row counts of {@link #TABLES}, to prove a rejected request wrote nothing. */
  public Map<String, Long> rowCounts() {
    Map<String, Long> counts = new LinkedHashMap<>();
    TABLES.forEach(table -> counts.put(table, count("SELECT count(*) FROM " + table)));
    return counts;
  }

  public long balance(String accountUid) {
    return count("SELECT balance_cents FROM seedbox_billing_accounts WHERE uid = ?", accountUid);
  }

  public long topUpCredits(String accountUid) {
    return count("SELECT count(*) FROM seedbox_ledger_entries WHERE account_uid = ? AND kind = 'TopUp'", accountUid);
  }

  public URI url(String path) {
    return URI.create("http://127.0.0.1:" + app.port() + path);
  }

  public URI webhookUrl() {
    return url("/webhooks/coinpayportal");
  }

  public HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpResponse<String> topUp(String json, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(url("/v1/accounts/customers/alice/topups"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request);
  }

  public HttpResponse<String> topUpWithKey(String account, String key, String json) {
    return send(HttpRequest.newBuilder(url("/v1/accounts/customers/" + account + "/topups"))
        .header("Authorization", "Bearer " + API_TOKEN).header("Idempotency-Key", key)
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** Starts a top-up through the API and returns the gateway payment id it opened. */
  public String openedTopUp(String account, String key, String amountUsd) {
    HttpResponse<String> response =
        topUpWithKey(account, key, "{\"amountUsd\":\"" + amountUsd + "\",\"blockchain\":\"BTC\"}");
    if (response.statusCode() != 201) {
      throw new IllegalStateException("top-up failed: " + response.statusCode() + " " + response.body());
    }
    return new JsonObject(response.body()).getString("gatewayPaymentId");
  }

  public String metrics() {
    return send(HttpRequest.newBuilder(url("/metrics"))).body();
  }

  /** Stops the service (again is harmless), the gateway and the database. */
  @Override
  public void close() {
    try {
      if (app != null) {
        app.stop(Duration.ofSeconds(5));
      }
      gateway.close();
    } finally {
      db.close();
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.seedbox.billing;

import dev.seedbox.billing.account.AccountQueries;
import dev.seedbox.billing.account.AccountView;
import dev.seedbox.billing.gateway.FakeCoinPayPortal;
import dev.seedbox.billing.topup.AccountRef;
import dev.seedbox.billing.topup.InMemoryPaymentStore;
import dev.seedbox.billing.topup.PaymentStore;
import dev.seedbox.billing.webhook.PaymentEvents;
import dev.seedbox.billing.webhook.RecordingPaymentEvents;
import dev.seedbox.runtime.Command;
import dev.seedbox.runtime.Environment;
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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The real billing-controller wiring on a loopback port, with the CoinPayPortal fake as its gateway and test doubles
 * of our own ledger seams (an in-memory payment store, a recording event sink, fixed account views).
 */
public final class RunningBillingController implements AutoCloseable {

  public static final String API_TOKEN = "test-api-token-0123456789";
  public static final String API_KEY = "cp_live_test_key";
  public static final String BUSINESS_ID = "biz_test";
  public static final String SECRET = "whsec_current_secret";
  public static final String PREVIOUS_SECRET = "whsec_previous_secret";
  public static final AccountRef ACCOUNT = new AccountRef("customers", "alice");

  public final FakeCoinPayPortal gateway = new FakeCoinPayPortal(API_KEY, BUSINESS_ID, SECRET);
  public final InMemoryPaymentStore store = new InMemoryPaymentStore().withAccount(ACCOUNT, "uid-alice");
  public final RecordingPaymentEvents events = new RecordingPaymentEvents();
  public final Map<AccountRef, AccountView> accountViews = new ConcurrentHashMap<>();
  public final BillingApplication app;
  private final HttpClient http = HttpClient.newHttpClient();

  public RunningBillingController(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("SEEDBOX_DB_URL", "jdbc:postgresql://127.0.0.1:1/unused");
    env.put("SEEDBOX_DB_USER", "seedbox_app");
    env.put("SEEDBOX_DB_PASSWORD", "unused");
    env.put("SEEDBOX_HTTP_PORT", Integer.toString(freePort()));
    env.put("SEEDBOX_API_TOKEN", API_TOKEN);
    env.put("SEEDBOX_COINPAYPORTAL_API_URL", gateway.baseUrl().toString());
    env.put("SEEDBOX_COINPAYPORTAL_API_KEY", API_KEY);
    env.put("SEEDBOX_COINPAYPORTAL_BUSINESS_ID", BUSINESS_ID);
    env.put("SEEDBOX_COINPAYPORTAL_WEBHOOK_SECRET", SECRET);
    env.put("SEEDBOX_COINPAYPORTAL_WEBHOOK_SECRET_PREVIOUS", PREVIOUS_SECRET);
    env.put("SEEDBOX_WEBHOOK_MAX_BYTES", "4096");
    env.put("SEEDBOX_GATEWAY_TIMEOUT", "PT0.5S");
    env.putAll(overrides);
    Environment environment = Environment.of(env);
    BillingConfig config = BillingConfig.read(environment, Command.RUN);
    environment.check();
    app = BillingApplication.start(config, new TestLedger(), Clock.systemUTC());
  }

  public RunningBillingController() {
    this(Map.of());
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

  public String metrics() {
    return send(HttpRequest.newBuilder(url("/metrics"))).body();
  }

  @Override
  public void close() {
    app.stop(Duration.ofSeconds(5));
    gateway.close();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private final class TestLedger implements LedgerBackend {
    @Override
    public PaymentEvents paymentEvents() {
      return events;
    }

    @Override
    public PaymentStore payments() {
      return store;
    }

    @Override
    public AccountQueries accounts() {
      return (account, recent) -> Optional.ofNullable(accountViews.get(account));
    }

    @Override
    public boolean ready() {
      return true;
    }

    @Override
    public void close() {
    }
  }
}

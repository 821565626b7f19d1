package dev.seedbox.billing;

import dev.seedbox.billing.gateway.CoinPayPortalClient;
import dev.seedbox.billing.topup.GatewayTopUps;
import dev.seedbox.billing.webhook.WebhookVerifier;
import dev.seedbox.runtime.HealthEndpoints;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The hand wiring of one running billing-controller: configuration plus a ledger backend in, a server out. */
public final class BillingApplication implements AutoCloseable {

  private final Vertx vertx;
  private final BillingServer server;
  private final LedgerBackend ledger;
  private final PrometheusMeterRegistry metrics;
  private final int port;

  private BillingApplication(Vertx vertx, BillingServer server, LedgerBackend ledger, PrometheusMeterRegistry metrics) {
    this.vertx = vertx;
    this.server = server;
    this.ledger = ledger;
    this.metrics = metrics;
    this.port = server.start();
  }

  public static BillingApplication start(BillingConfig config, LedgerBackend ledger, Clock clock) {
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    HealthEndpoints health = new HealthEndpoints(metrics).readyWhen("database", ledger::ready);
    WebhookVerifier verifier = new WebhookVerifier(config.webhookSecret(),
        config.webhookSecretPrevious().isEmpty() ? null : config.webhookSecretPrevious(), clock);
    CoinPayPortalClient gateway = new CoinPayPortalClient(config.gatewayUrl(), config.gatewayApiKey(),
        config.businessId(), config.gatewayTimeout());
    Vertx vertx = Vertx.vertx();
    BillingServer server = new BillingServer(vertx,
        new BillingServer.Settings(config.httpPort(), config.apiToken(), config.webhookMaxBytes(), config.businessId()),
        verifier, ledger.paymentEvents(), new GatewayTopUps(ledger.payments(), gateway), ledger.accounts(), metrics,
        health);
    try {
      return new BillingApplication(vertx, server, ledger, metrics);
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  public int port() {
    return port;
  }

  public BillingServer server() {
    return server;
  }

  public PrometheusMeterRegistry metrics() {
    return metrics;
  }

  /** Finishes requests in flight (up to {@code grace}), then releases everything. */
  public void stop(Duration grace) {
    server.stop(grace);
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      Thread.currentThread().interrupt();
    } finally {
      ledger.close();
    }
  }

  @Override
  public void close() {
    stop(BillingConfig.SHUTDOWN_GRACE);
  }
}

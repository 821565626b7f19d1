package dev.seedbox.billing;

import dev.seedbox.billing.cycle.BillingWorker;
import dev.seedbox.billing.cycle.PendingPaymentPoll;
import dev.seedbox.billing.gateway.CoinPayPortalClient;
import dev.seedbox.billing.ledger.WebhookGroupCommit;
import dev.seedbox.billing.topup.GatewayTopUps;
import dev.seedbox.billing.webhook.WebhookVerifier;
import dev.seedbox.runtime.HealthEndpoints;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The hand wiring of one running billing-controller: configuration, a metrics registry and a ledger backend in; the
 * HTTP server and the billing worker out.
 */
public final class BillingApplication implements AutoCloseable {

  /** Verified webhooks that may wait for a writer; the gateway resends what gets a 503 beyond it. */
  static final int WEBHOOK_QUEUE = 10_000;

  private final Vertx vertx;
  private final BillingServer server;
  private final BillingWorker worker;
  private final WebhookGroupCommit webhooks;
  private final LedgerBackend ledger;
  private final PrometheusMeterRegistry metrics;
  private final int port;

  private BillingApplication(Vertx vertx, BillingServer server, BillingWorker worker, WebhookGroupCommit webhooks,
      LedgerBackend ledger, PrometheusMeterRegistry metrics) {
    this.vertx = vertx;
    this.server = server;
    this.worker = worker;
    this.webhooks = webhooks;
    this.ledger = ledger;
    this.metrics = metrics;
    this.port = server.start();
  }

  /**
   * @param metrics the registry {@code ledger} was opened with, served on {@code /metrics}
   */
  public static BillingApplication start(BillingConfig config, PrometheusMeterRegistry metrics, LedgerBackend ledger,
      Clock clock) {
    HealthEndpoints health = new HealthEndpoints(metrics).readyWhen("database", ledger::ready);
    WebhookVerifier verifier = new WebhookVerifier(config.webhookSecret(),
        config.webhookSecretPrevious().isEmpty() ? null : config.webhookSecretPrevious(), clock);
    CoinPayPortalClient gateway = new CoinPayPortalClient(config.gatewayUrl(), config.gatewayApiKey(),
        config.businessId(), config.gatewayTimeout());
    BillingWorker worker = new BillingWorker(ledger.module().billing(), ledger.module().sealer(),
        new PendingPaymentPoll(ledger.module().payments(), gateway, ledger.paymentEvents(), clock,
            config.paymentPollAfter(), config.businessId()),
        metrics);
    WebhookGroupCommit webhooks = new WebhookGroupCommit(ledger.paymentEvents(), config.webhookWriters(),
        WEBHOOK_QUEUE, metrics);
    Vertx vertx = Vertx.vertx();
    BillingServer server = new BillingServer(vertx,
        new BillingServer.Settings(config.httpPort(), config.apiToken(), config.webhookMaxBytes(), config.businessId()),
        verifier, webhooks, new GatewayTopUps(ledger.payments(), gateway), ledger.accounts(), metrics, health);
    try {
      BillingApplication app = new BillingApplication(vertx, server, worker, webhooks, ledger, metrics);
      worker.start(config.billingInterval());
      return app;
    } catch (RuntimeException e) {
      vertx.close();
      webhooks.close();
      throw e;
    }
  }

  public int port() {
    return port;
  }

  public BillingServer server() {
    return server;
  }

  public BillingWorker worker() {
    return worker;
  }

  public LedgerBackend ledger() {
    return ledger;
  }

  public PrometheusMeterRegistry metrics() {
    return metrics;
  }

  /** Finishes requests in flight (up to {@code grace}) and the worker's run in progress, then releases everything. */
  public void stop(Duration grace) {
    // the server waits for its requests, and a webhook request is in flight until its writer answered it
    server.stop(grace);
    webhooks.close();
    worker.close();
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // closing is best effort once the socket is closed
    } finally {
      ledger.close();
    }
  }

  @Override
  public void close() {
    stop(BillingConfig.SHUTDOWN_GRACE);
  }
}

package dev.seedbox.billing;

import dev.seedbox.billing.cycle.BillingWorker;
import dev.seedbox.billing.cycle.PendingPaymentPoll;
import dev.seedbox.billing.gateway.CoinPayPortalClient;
import dev.seedbox.billing.gateway.CoinPayPortalGateway;
import dev.seedbox.billing.gateway.PaymentGateway;
import dev.seedbox.billing.ledger.WebhookGroupCommit;
import dev.seedbox.billing.topup.GatewayTopUps;
import dev.seedbox.billing.webhook.WebhookVerifier;
import dev.seedbox.runtime.HealthEndpoints;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The hand wiring of one running billing-controller: configuration, a metrics registry and a ledger backend in; the
 * HTTP server and the billing worker out.
 */
public final class BillingApplication implements AutoCloseable {

  /** Verified webhooks that may wait for a writer; the gateway resends what gets a 503 beyond it. */
  static final int WEBHOOK_QUEUE = 10_000;
  /** Kept from the request drain for closing the writers, the worker, Vert.x and the pool. */
  private static final Duration CLOSE_RESERVE = Duration.ofSeconds(2);
  private static final Duration POLL_STOP = Duration.ofSeconds(3);

  private final Vertx vertx;
  private final BillingServer server;
  private final BillingWorker worker;
  private final PendingPaymentPoll poll;
  private final WebhookGroupCommit webhooks;
  private final LedgerBackend ledger;
  private final PrometheusMeterRegistry metrics;
  private final int port;
  private final Duration drainBudget;
  private final AtomicBoolean stopped = new AtomicBoolean();

  private BillingApplication(Vertx vertx, BillingServer server, BillingWorker worker, PendingPaymentPoll poll,
      WebhookGroupCommit webhooks, LedgerBackend ledger, PrometheusMeterRegistry metrics, Duration drainBudget) {
    this.vertx = vertx;
    this.server = server;
    this.worker = worker;
    this.poll = poll;
    this.webhooks = webhooks;
    this.drainBudget = drainBudget;
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
    PaymentGateway gateway = new CoinPayPortalGateway(new CoinPayPortalClient(config.gatewayUrl(),
        config.gatewayApiKey(), config.businessId(), config.gatewayTimeout()), verifier, config.businessId());
    BillingWorker worker = new BillingWorker(ledger.module().billing(), ledger.module().sealer(), metrics);
    PendingPaymentPoll poll = new PendingPaymentPoll(ledger.pendingPayments(), List.of(gateway),
        ledger.paymentEvents(), clock, config.poll(), config.businessId(), metrics);
    ledger.paymentEvents().holdUnderpaymentsBeyond(config.underpaymentTolerancePercent());
    WebhookGroupCommit webhooks = new WebhookGroupCommit(ledger.paymentEvents(), config.webhookWriters(),
        WEBHOOK_QUEUE, metrics);
    Vertx vertx = Vertx.vertx();
    BillingServer server = new BillingServer(vertx,
        new BillingServer.Settings(config.httpPort(), config.apiToken(), config.webhookMaxBytes()),
        List.of(gateway), webhooks, new GatewayTopUps(ledger.payments(), gateway), ledger.accounts(), metrics, health);
    try {
      BillingApplication app = new BillingApplication(vertx, server, worker, poll, webhooks, ledger, metrics,
          config.drainBudget());
      worker.start(config.billingInterval());
      poll.start();
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

  public PendingPaymentPoll poll() {
    return poll;
  }

  /** How long {@link #close()} may take in all. */
  public Duration drainBudget() {
    return drainBudget;
  }

  public LedgerBackend ledger() {
    return ledger;
  }

  public PrometheusMeterRegistry metrics() {
    return metrics;
  }

  /**
   * Stops within {@code budget} in all: the poll first (it serves nobody, and its gateway call is interrupted), then
   * the requests in flight finish while new ones are refused, then the webhook writers and a billing run in progress,
   * each with what is left of the budget. Stopping again does nothing.
   */
  public void stop(Duration budget) {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + budget.toNanos();
    // its gateway call is interrupted, so it ends at once; the cap keeps the request drain intact if it does not
    poll.close(min(left(deadline, CLOSE_RESERVE), POLL_STOP));
    // the server waits for its requests, and a webhook request is in flight until its writer answered it
    server.stop(left(deadline, CLOSE_RESERVE));
    webhooks.close(left(deadline, Duration.ZERO));
    worker.close(left(deadline, Duration.ZERO));
    try {
      vertx.close().toCompletionStage().toCompletableFuture()
          .get(Math.max(1, left(deadline, Duration.ZERO).toMillis()), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // closing is best effort once the socket is closed
    } finally {
      ledger.close();
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration left(long deadline, Duration reserve) {
    long nanos = deadline - System.nanoTime() - reserve.toNanos();
    return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), nanos));
  }

  @Override
  public void close() {
    stop(drainBudget);
  }
}

package dev.seedbox.billing.cycle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seedbox.billing.gateway.GatewayException;
import dev.seedbox.billing.gateway.GatewayPayment;
import dev.seedbox.billing.gateway.PaymentGateway;
import dev.seedbox.billing.webhook.PaymentEventOutcome;
import dev.seedbox.billing.webhook.PaymentEvents;
import dev.seedbox.billing.webhook.WebhookEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs missed webhooks: asks the gateway ({@code GET /api/payments/{id}}) about our payments still pending after
 * {@code pollAfter}, and feeds what it reports through the same {@link PaymentEvents} path a webhook takes, so the
 * dedupe on (payment, type) and the once-per-payment credit hold across both.
 *
 * <p>Bounded: each run asks about at most {@code batch} payments, oldest first, continuing where the last run
 * stopped (so a backlog is walked through, not its head asked about forever), paced below the gateway's request
 * limit, under a lock one replica holds at a time. It stops asking about a payment once the gateway's expiry plus
 * {@code giveUpMargin} has passed, or {@code maxAge} after we created it when the gateway never says. Runs on its own
 * thread, so a slow gateway delays neither the billing cycle nor the audit sealer; one summary line per run.
 */
public final class PendingPaymentPoll implements AutoCloseable {

  /**
   * @param pollAfter a payment pending this long is asked about
   * @param interval the pause between the end of one run and the start of the next
   * @param batch payments asked about per run
   * @param requestsPerMinute the pace of gateway calls (CoinPayPortal allows about 100 a minute)
   * @param giveUpMargin how long after the gateway's expiry we still ask
   * @param maxAge how long after creation we ask at all
   */
  public record Settings(Duration pollAfter, Duration interval, int batch, int requestsPerMinute,
      Duration giveUpMargin, Duration maxAge) {}

  /** What one run did; {@code skipped} when another replica held the poll's lock. */
  public record Run(boolean skipped, int polled, int repaired, int givenUp, int failed) {}

  private static final Logger LOG = LoggerFactory.getLogger(PendingPaymentPoll.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PendingPayments payments;
  private final Map<String, PaymentGateway> gateways = new HashMap<>();
  private final PaymentEvents events;
  private final Clock clock;
  private final Settings settings;
  private final String businessId;
  private final RequestPacer pacer;
  private final FixedDelaySchedule schedule;
  private final ReentrantLock running = new ReentrantLock();
  private final Counter polled;
  private final Counter repaired;
  private final Counter givenUp;
  private final Counter failed;
  private PendingPayments.Pending cursor;
  private volatile boolean stopping;

  public PendingPaymentPoll(PendingPayments payments, List<PaymentGateway> gateways, PaymentEvents events,
      Clock clock, Settings settings, String businessId, MeterRegistry metrics) {
    this.payments = payments;
    gateways.forEach(g -> this.gateways.put(g.name(), g));
    this.events = events;
    this.clock = clock;
    this.settings = settings;
    this.businessId = businessId;
    this.pacer = new RequestPacer(settings.requestsPerMinute());
    this.schedule = new FixedDelaySchedule("payment-poll", this::runOnce);
    this.polled = Counter.builder("seedbox.billing.poll.polled").description("payments asked about at the gateway")
        .register(metrics);
    this.repaired = Counter.builder("seedbox.billing.poll.repaired")
        .description("payments the poll credited because their webhook never came").register(metrics);
    this.givenUp = Counter.builder("seedbox.billing.poll.given.up")
        .description("payments the poll stopped asking about (past the gateway's expiry plus a margin)")
        .register(metrics);
    this.failed = Counter.builder("seedbox.billing.poll.failed").description("gateway calls of the poll that failed")
        .register(metrics);
  }

  /** Schedules runs with {@code interval} between them, the first one after one interval. */
  public PendingPaymentPoll start() {
    schedule.start(settings.interval());
    LOG.info("payment poll runs every {}: up to {} payments, {} gateway calls a minute", settings.interval(),
        settings.batch(), settings.requestsPerMinute());
    return this;
  }

  /** One run now, on the caller's thread; waits for a scheduled run in progress to finish first. */
  public Run runOnce() {
    running.lock();
    try {
      Optional<PendingPayments.Lease> lease = payments.lease();
      if (lease.isEmpty()) {
        LOG.info("payment poll skipped: another replica is polling");
        return new Run(true, 0, 0, 0, 0);
      }
      try (PendingPayments.Lease held = lease.get()) {
        Run run = poll();
        LOG.info("payment poll: asked about {}, repaired {}, gave up on {}, {} gateway calls failed", run.polled(),
            run.repaired(), run.givenUp(), run.failed());
        return run;
      }
    } finally {
      running.unlock();
    }
  }

  private Run poll() {
    Instant now = clock.instant();
    int gaveUp = payments.giveUpCreatedBefore(now.minus(settings.maxAge()), settings.batch(), "not final at the "
        + "gateway within " + settings.maxAge() + " of creation");
    List<PendingPayments.Pending> batch = payments.next(cursor, now.minus(settings.maxAge()),
        now.minus(settings.pollAfter()), settings.batch());
    if (batch.isEmpty() && cursor != null) {
      cursor = null;
      batch = payments.next(null, now.minus(settings.maxAge()), now.minus(settings.pollAfter()), settings.batch());
    }
    int asked = 0;
    int credited = 0;
    int failures = 0;
    for (PendingPayments.Pending payment : batch) {
      if (stopping) {
        break;
      }
      try {
        pacer.awaitTurn();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      cursor = payment;
      PaymentGateway gateway = gateways.get(payment.gateway());
      if (gateway == null) {
        LOG.debug("payment {} was opened at gateway '{}', which this replica does not have", payment.id(),
            payment.gateway());
        continue;
      }
      GatewayPayment seen;
      try {
        seen = gateway.get(payment.gatewayPaymentId());
      } catch (GatewayException e) {
        failures++;
        LOG.debug("poll of payment {} ({}) failed: {}", payment.id(), payment.gatewayPaymentId(), e.getMessage());
        continue;
      }
      asked++;
      Optional<String> type = eventType(seen.status());
      if (type.isPresent()) {
        PaymentEventOutcome outcome = events.handle(event(payment, seen, type.get()));
        LOG.debug("poll of payment {} ({}): gateway says {}, {}", payment.id(), seen.id(), seen.status(),
            outcome.tag());
        if (outcome instanceof PaymentEventOutcome.Credited) {
          credited++;
        }
      } else if (seen.expiresAt() != null && now.isAfter(seen.expiresAt().plus(settings.giveUpMargin()))
          && payments.giveUp(payment.id(), "still " + seen.status() + " at the gateway " + settings.giveUpMargin()
              + " after its expiry")) {
        gaveUp++;
      }
    }
    polled.increment(asked);
    repaired.increment(credited);
    givenUp.increment(gaveUp);
    failed.increment(failures);
    return new Run(false, asked, credited, gaveUp, failures);
  }

  /** The webhook type the gateway would have sent for a status; empty while nothing final happened. */
  static Optional<String> eventType(String status) {
    return switch (status) {
      // forwarding happens only after confirmation
      case "confirmed", "forwarding" -> Optional.of(WebhookEvent.CONFIRMED);
      case "forwarded" -> Optional.of(WebhookEvent.FORWARDED);
      case "expired" -> Optional.of(WebhookEvent.EXPIRED);
      default -> Optional.empty();
    };
  }

  private WebhookEvent event(PendingPayments.Pending payment, GatewayPayment seen, String type) {
    Instant now = clock.instant();
    String id = "poll_" + seen.id() + "_" + now.toEpochMilli();
    String amount = seen.amountUsd() == null ? "" : seen.amountUsd().toPlainString();
    ObjectNode root = JSON.createObjectNode().put("id", id).put("type", type);
    ObjectNode data = root.putObject("data").put("payment_id", seen.id()).put("status", seen.status())
        .put("amount_usd", amount);
    data.putObject("metadata").put("payment_id", payment.id().toString());
    root.put("created_at", now.toString()).put("business_id", businessId);
    return new WebhookEvent(id, type, seen.id(), seen.status(), now, businessId,
        Map.of("payment_id", payment.id().toString()), amount, root.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Stops scheduling and ends a run in progress at its next gateway call (or interrupts the call), waiting up to
   * {@code deadline}.
   */
  public void close(Duration deadline) {
    stopping = true;
    schedule.stop(deadline, true);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}

package dev.seedbox.billing.cycle;

import dev.seedbox.ledger.BillingPolicy;
import dev.seedbox.ledger.CycleReport;
import dev.seedbox.ledger.audit.AuditSealer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code SEEDBOX_BILLING_INTERVAL}: the billing cycle under PostgreSQL's advisory lock (one replica at a time),
 * then the audit sealer (the poll of pending payments has its own thread, {@link PendingPaymentPoll}). One thread with a fixed delay between the end of a run
 * and the start of the next, so runs never overlap, however long one takes; {@link #runOnce} shares a lock with it,
 * so a run asked for by hand cannot overlap a scheduled one either.
 */
public final class BillingWorker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BillingWorker.class);

  /** What one run did; {@code cycle} is empty when another replica held the cycle lock. */
  public record Run(Optional<CycleReport> cycle, int sealed) {}

  private final BillingPolicy policy;
  private final AuditSealer sealer;
  private final FixedDelaySchedule schedule;
  private final ReentrantLock running = new ReentrantLock();
  private final AtomicInteger runs = new AtomicInteger();
  private final Timer cycleDuration;
  private final Counter chargesPosted;
  private final Counter chargedCents;
  private final Counter cyclesSkipped;

  public BillingWorker(BillingPolicy policy, AuditSealer sealer, MeterRegistry metrics) {
    this.policy = policy;
    this.sealer = sealer;
    this.schedule = new FixedDelaySchedule("billing-worker", this::runOnce);
    this.cycleDuration = Timer.builder("seedbox.billing.cycle.duration")
        .description("time one billing cycle took on this replica").register(metrics);
    this.chargesPosted = Counter.builder("seedbox.billing.cycle.charges").description("charges posted by cycles")
        .register(metrics);
    this.chargedCents = Counter.builder("seedbox.billing.cycle.charged.cents")
        .description("cents charged by cycles").register(metrics);
    this.cyclesSkipped = Counter.builder("seedbox.billing.cycle.skipped")
        .description("cycles left to another replica holding the cycle lock").register(metrics);
  }

  /** Schedules runs every {@code interval}, the first one after one interval. */
  public BillingWorker start(Duration interval) {
    schedule.start(interval);
    LOG.info("billing worker runs every {}", interval);
    return this;
  }

  /** One run now, on the caller's thread; waits for a scheduled run in progress to finish first. */
  public Run runOnce() {
    running.lock();
    try {
      Optional<CycleReport> cycle = Optional.empty();
      Timer.Sample sample = Timer.start();
      try {
        cycle = policy.runCycleExclusively();
        if (cycle.isPresent()) {
          sample.stop(cycleDuration);
          chargesPosted.increment(cycle.get().chargesPosted());
          chargedCents.increment(cycle.get().chargedCents());
        } else {
          cyclesSkipped.increment();
          LOG.info("billing cycle skipped: another replica holds the cycle lock");
        }
      } catch (RuntimeException e) {
        LOG.error("billing cycle failed; the next run retries", e);
      }
      int sealed = 0;
      try {
        sealed = sealer.sealPending();
      } catch (RuntimeException e) {
        LOG.error("audit sealing failed; the next run retries", e);
      }
      runs.incrementAndGet();
      return new Run(cycle, sealed);
    } finally {
      running.unlock();
    }
  }

  /** Runs finished so far, scheduled or by hand. */
  public int runs() {
    return runs.get();
  }

  /**
   * Stops scheduling and waits up to {@code deadline} for a run in progress to finish; a cycle cut short by the exit
   * rolls back and the next replica's run posts it.
   */
  public void close(Duration deadline) {
    schedule.stop(deadline, false);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}

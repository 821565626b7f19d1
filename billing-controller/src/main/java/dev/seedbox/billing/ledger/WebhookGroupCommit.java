package dev.seedbox.billing.ledger;

import dev.seedbox.billing.webhook.PaymentEventOutcome;
import dev.seedbox.billing.webhook.WebhookEvent;
import dev.seedbox.billing.webhook.WebhookIntake;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for the webhook route. Verified events queue here; each of a few writer threads takes what has queued
 * up since its last commit (at most {@link #MAX_BATCH}) and credits the paid ones in ONE transaction
 * ({@link LedgerPaymentEvents#creditTogether}), then answers each. Under a burst, many credits share one commit and one
 * database call; a lone webhook is a batch of one and takes the one-call path, so it waits for nothing.
 *
 * <p>Each answer completes only after its own rows committed, so a 200 still means "credited and durable", and a crash
 * before the commit loses nothing the gateway will not resend. What the batch leaves alone (events that are not paid,
 * a second event for a gateway payment already in the batch, rows credited before, gateway ids no row carries) and
 * every event of a batch that failed as a whole run one by one through {@link LedgerPaymentEvents#handle}, each in its
 * own transaction, so one bad event never fails its neighbours.
 */
public final class WebhookGroupCommit implements WebhookIntake, AutoCloseable {

  /** Big enough to amortise a commit over a burst, small enough that one batch's locks are held briefly. */
  static final int MAX_BATCH = 64;
  private static final Duration IDLE_POLL = Duration.ofMillis(200);
  private static final Logger LOG = LoggerFactory.getLogger(WebhookGroupCommit.class);

  private final LedgerPaymentEvents events;
  private final BlockingQueue<Pending> queue;
  private final int capacity;
  private final List<Thread> writers = new ArrayList<>();
  private final Counter fallbacks;
  private final DistributionSummary batchSizes;
  private volatile boolean closing;

  private record Pending(WebhookEvent event, CompletableFuture<PaymentEventOutcome> answer) {}

  /**
   * @param writers concurrent transactions, each holding one pooled connection while it commits
   * @param capacity events that may wait; beyond it the route answers 503 and the gateway resends
   */
  public WebhookGroupCommit(LedgerPaymentEvents events, int writers, int capacity, MeterRegistry metrics) {
    if (writers < 1 || capacity < 1) {
      throw new IllegalArgumentException("expected at least one writer and room for one event, found " + writers
          + " writers and capacity " + capacity);
    }
    this.events = events;
    this.capacity = capacity;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.fallbacks = Counter.builder("seedbox.billing.webhooks.batch.fallbacks")
        .description("batches of paid webhooks that failed as a whole and were run one by one")
        .register(metrics);
    this.batchSizes = DistributionSummary.builder("seedbox.billing.webhooks.batch.size")
        .description("paid webhooks credited per transaction").register(metrics);
    Gauge.builder("seedbox.billing.webhooks.queued", queue, BlockingQueue::size)
        .description("verified webhooks waiting for a writer").register(metrics);
    for (int i = 0; i < writers; i++) {
      Thread writer = new Thread(this::write, "webhook-writer-" + i);
      writer.setDaemon(true);
      this.writers.add(writer);
      writer.start();
    }
  }

  @Override
  public CompletionStage<PaymentEventOutcome> submit(WebhookEvent event) {
    CompletableFuture<PaymentEventOutcome> answer = new CompletableFuture<>();
    Pending pending = new Pending(event, answer);
    if (closing) {
      answer.completeExceptionally(new RejectedExecutionException("shutting down"));
    } else if (!queue.offer(pending)) {
      answer.completeExceptionally(new RejectedExecutionException(
          "the webhook queue is full (" + capacity + " waiting)"));
    } else if (closing && writers.stream().noneMatch(Thread::isAlive) && queue.remove(pending)) {
      // close() finished between the check and the offer: nobody is left to answer it
      answer.completeExceptionally(new RejectedExecutionException("shutting down"));
    }
    return answer;
  }

  /** Refuses new events, finishes the queued ones (up to {@code deadline}), then stops the writers. */
  public void close(Duration deadline) {
    closing = true;
    long until = System.nanoTime() + deadline.toNanos();
    for (Thread writer : writers) {
      try {
        writer.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    Pending left;
    while ((left = queue.poll()) != null) {
      left.answer().completeExceptionally(new RejectedExecutionException("shutting down"));
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }

  private void write() {
    List<Pending> taken = new ArrayList<>(MAX_BATCH);
    while (true) {
      Pending first;
      try {
        first = queue.poll(IDLE_POLL.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (first == null) {
        if (closing) {
          return;
        }
        continue;
      }
      taken.clear();
      taken.add(first);
      queue.drainTo(taken, MAX_BATCH - 1);
      try {
        process(taken);
      } catch (RuntimeException | Error e) {
        // process answers every event itself; this is the last guard so no request hangs on a bug here
        LOG.error("webhook writer failed; answering its events with an error", e);
        for (Pending p : taken) {
          p.answer().completeExceptionally(e);
        }
      }
    }
  }

  private void process(List<Pending> taken) {
    List<Pending> together = new ArrayList<>(taken.size());
    List<Pending> alone = new ArrayList<>();
    Set<String> gatewayIds = new HashSet<>();
    for (Pending p : taken) {
      // one event per gateway payment in a batch: the second runs after the batch commits and sees its effect
      if (p.event().meansPaid() && gatewayIds.add(p.event().gatewayPaymentId())) {
        together.add(p);
      } else {
        alone.add(p);
      }
    }
    if (together.size() > 1) {
      List<Pending> left = creditTogether(together);
      left.addAll(alone);
      alone = left;
    } else {
      alone.addAll(0, together);
    }
    for (Pending p : alone) {
      try {
        p.answer().complete(events.handle(p.event()));
      } catch (RuntimeException e) {
        p.answer().completeExceptionally(e);
      }
    }
  }

  /** Answers what the batch settled and returns the rest, for the one-by-one path. */
  private List<Pending> creditTogether(List<Pending> together) {
    Map<Integer, PaymentEventOutcome> done;
    try {
      done = events.creditTogether(together.stream().map(Pending::event).toList());
    } catch (RuntimeException e) {
      fallbacks.increment();
      LOG.warn("a batch of {} paid webhooks failed as a whole ({}); running them one by one", together.size(),
          e.toString());
      for (Pending p : together) {
        try {
          p.answer().complete(events.handleAfterFailedBatch(p.event()));
        } catch (RuntimeException one) {
          p.answer().completeExceptionally(one);
        }
      }
      return new ArrayList<>();
    }
    batchSizes.record(done.size());
    List<Pending> left = new ArrayList<>();
    for (int i = 0; i < together.size(); i++) {
      PaymentEventOutcome outcome = done.get(i);
      if (outcome == null) {
        left.add(together.get(i));
      } else {
        together.get(i).answer().complete(outcome);
      }
    }
    return left;
  }
}

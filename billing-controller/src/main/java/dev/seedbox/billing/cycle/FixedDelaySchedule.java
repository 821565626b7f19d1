package dev.seedbox.billing.cycle;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task on its own daemon thread, with a fixed delay between the end of a run and the start of the next, so runs
 * never overlap however long one takes. A failing run is logged and the next one runs anyway.
 */
final class FixedDelaySchedule {

  private static final Logger LOG = LoggerFactory.getLogger(FixedDelaySchedule.class);

  private final String name;
  private final Runnable task;
  private final ScheduledExecutorService scheduler;

  FixedDelaySchedule(String name, Runnable task) {
    this.name = name;
    this.task = task;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  /** The first run after one interval. */
  void start(Duration interval) {
    long millis = Math.max(1, interval.toMillis());
    scheduler.scheduleWithFixedDelay(this::runQuietly, millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * Stops scheduling and waits up to {@code deadline} for a run in progress; {@code interrupt} also interrupts it
   * (for a run blocked on the network rather than in a transaction).
   */
  void stop(Duration deadline, boolean interrupt) {
    if (interrupt) {
      scheduler.shutdownNow();
    } else {
      scheduler.shutdown();
    }
    try {
      if (!scheduler.awaitTermination(Math.max(1, deadline.toMillis()), TimeUnit.MILLISECONDS)) {
        LOG.warn("{} still running after {}; leaving it to the JVM", name, deadline);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void runQuietly() {
    try {
      task.run();
    } catch (RuntimeException e) {
      // an exception escaping a scheduled task would cancel every later run
      LOG.error("{} run failed; the next run retries", name, e);
    }
  }
}

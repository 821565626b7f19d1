package dev.seedbox.billing.cycle;

import java.util.concurrent.TimeUnit;

/**
 * Spaces calls evenly so that no minute holds more than {@code perMinute} of them: each call waits until
 * {@code 60 s / perMinute} after the previous one began. One caller at a time (the poll's thread).
 */
final class RequestPacer {

  private final long spacingNanos;
  private long lastStart = Long.MIN_VALUE;

  RequestPacer(int perMinute) {
    if (perMinute < 1) {
      throw new IllegalArgumentException("expected at least one request a minute, found " + perMinute);
    }
    this.spacingNanos = TimeUnit.MINUTES.toNanos(1) / perMinute;
  }

  /** Blocks until the next call may start. */
  void awaitTurn() throws InterruptedException {
    if (lastStart != Long.MIN_VALUE) {
      long wait = lastStart + spacingNanos - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
    }
    lastStart = System.nanoTime();
  }
}

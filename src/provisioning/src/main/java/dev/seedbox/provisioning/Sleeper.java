package dev.seedbox.provisioning;

import java.time.Duration;

/** Waits; tests inject one that records the waits instead of spending them. */
@FunctionalInterface
public interface Sleeper {

  void sleep(Duration duration) throws InterruptedException;

  static Sleeper real() {
    return duration -> {
      if (!duration.isNegative() && !duration.isZero()) {
        Thread.sleep(duration.toMillis(), (int) (duration.toNanosPart() % 1_000_000));
      }
    };
  }
}

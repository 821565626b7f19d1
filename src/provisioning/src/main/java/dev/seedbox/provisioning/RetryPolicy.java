package dev.seedbox.provisioning;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how long a provider call is repeated before its failure goes to the caller.
 *
 * @param maxAttempts attempts per call, the first included
 * @param initialBackoff the wait after the first transient failure; it doubles per attempt
 * @param maxBackoff the cap on that doubling
 * @param maxRateLimitWait the longest wait a 429 may ask for inside one call; longer waits go to the caller as
 *     {@link RetryableProviderException#retryAfter()} so that a reconcile thread is not parked for minutes
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRateLimitWait) {

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, found " + maxAttempts);
    }
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(maxRateLimitWait, "maxRateLimitWait");
  }

  public static RetryPolicy defaults() {
    return new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofSeconds(60));
  }

  /** The wait after failed attempt {@code attempt} (1-based). */
  public Duration backoff(int attempt) {
    Duration wait = initialBackoff;
    for (int i = 1; i < attempt && wait.compareTo(maxBackoff) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
  }
}

package dev.seedbox.provisioning;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repeats one provider call on retryable failures: after a 429 it waits what the provider asked for, after 5xx,
 * timeouts and unreadable answers it backs off. Permanent failures pass straight through.
 */
public final class Retrier {

  private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

  private final RetryPolicy policy;
  private final Sleeper sleeper;

  public Retrier(RetryPolicy policy, Sleeper sleeper) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  public RetryPolicy policy() {
    return policy;
  }

  /**
   * Runs {@code attempt} until it succeeds or the policy gives up.
   *
   * @param transientFailuresAreSafe false for calls that may have taken effect even though they failed (a create):
   *     then only a 429 or a busy answer, which the provider gives before doing anything, is repeated
   */
  public <T> T call(String operation, boolean transientFailuresAreSafe, Supplier<T> attempt) {
    for (int n = 1; ; n++) {
      try {
        return attempt.get();
      } catch (RetryableProviderException e) {
        boolean rateLimited = e.reason() == RetryableProviderException.Cause.RATE_LIMITED;
        boolean refusedBeforeActing = rateLimited || e.reason() == RetryableProviderException.Cause.BUSY;
        if (n >= policy.maxAttempts() || !(refusedBeforeActing || transientFailuresAreSafe)) {
          throw e;
        }
        Duration wait = rateLimited ? e.retryAfter().orElse(policy.backoff(n)) : policy.backoff(n);
        if (wait.compareTo(policy.maxRateLimitWait()) > 0) {
          throw e;
        }
        LOG.debug("{} failed ({}), attempt {} of {}, retrying in {}", operation, e.reason(), n,
            policy.maxAttempts(), wait);
        pause(operation, wait, e);
      }
    }
  }

  /** Waits, turning an interrupt into a retryable failure with the interrupt flag kept. */
  public void pause(String operation, Duration wait, RuntimeException cause) {
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new RetryableProviderException(RetryableProviderException.Cause.TIMEOUT,
          operation + " was interrupted while waiting to retry", null, cause);
    }
  }
}

package dev.seedbox.provisioning.http;

import dev.seedbox.provisioning.RetryPolicy;
import dev.seedbox.provisioning.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Timing of an HTTP cloud provider.
 *
 * @param requestTimeout per HTTP request
 * @param retry retries of one call
 * @param shutdownTimeout how long a graceful shutdown may take to bring the server to {@code off} before it is
 *     powered off
 * @param actionTimeout how long a power-off or power-on action may take
 * @param actionPollInterval how often an action's progress is read
 * @param lostAnswerSearches how often, with back-off, to look for the server by tag or label after a create whose
 *     answer was lost, before the call gives up (the next create looks again before it posts)
 * @param lostAnswerWindow after a create whose answer was lost, how long no second create is posted for the same
 *     Seedbox UID unless its server shows up: listings lag behind creates
 * @param sleeper waits (injected in tests)
 * @param clock reads rate-limit reset times
 */
public record CloudTuning(
    Duration requestTimeout,
    RetryPolicy retry,
    Duration shutdownTimeout,
    Duration actionTimeout,
    Duration actionPollInterval,
    int lostAnswerSearches,
    Duration lostAnswerWindow,
    Sleeper sleeper,
    Clock clock) {

  public CloudTuning {
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
    Objects.requireNonNull(actionTimeout, "actionTimeout");
    Objects.requireNonNull(actionPollInterval, "actionPollInterval");
    Objects.requireNonNull(lostAnswerWindow, "lostAnswerWindow");
    Objects.requireNonNull(sleeper, "sleeper");
    Objects.requireNonNull(clock, "clock");
    if (actionPollInterval.isZero() || actionPollInterval.isNegative()) {
      throw new IllegalArgumentException("actionPollInterval must be positive, found " + actionPollInterval);
    }
    if (lostAnswerSearches < 1) {
      throw new IllegalArgumentException("lostAnswerSearches must be at least 1, found " + lostAnswerSearches);
    }
  }

  public static CloudTuning defaults() {
    return new CloudTuning(Duration.ofSeconds(30), RetryPolicy.defaults(), Duration.ofSeconds(60),
        Duration.ofMinutes(3), Duration.ofSeconds(2), 5, Duration.ofMinutes(10), Sleeper.real(), Clock.systemUTC());
  }

  /** Polls that fit into {@code timeout}. */
  int pollsWithin(Duration timeout) {
    return (int) Math.max(1, timeout.toMillis() / Math.max(1, actionPollInterval.toMillis()));
  }
}

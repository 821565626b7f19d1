package dev.seedbox.operator.seedbox;

import java.time.Duration;
import java.util.Objects;

/**
 * How soon the Seedbox controller looks again. The decider names production waits; these cap them, so tests and
 * the dev stack can run the same code with short waits.
 *
 * @param serverPoll the longest wait while a server boots or a step is in flight
 * @param waitRecheck the longest wait while pending (LISTEN/NOTIFY normally wakes it sooner)
 * @param nextStep the wait before the step that follows an accepted transition
 * @param retryBackoff the wait after a retryable provider failure that came without a wait of its own (a 429's
 *     wait is always honoured as the provider gave it)
 * @param orphanGrace how long a server must have looked orphaned (across sweeps) before the sweep deletes it, so a
 *     sweep never races a create whose Seedbox the informer has not seen yet
 * @param probeInterval how often an Active seedbox's client is checked over the host channel (health, then a login
 *     as the customer)
 * @param bootDeadline how long a new server may take from the first charge until the customer can log in; then it
 *     is Failed and its first period refunded
 */
public record SeedboxTiming(Duration serverPoll, Duration waitRecheck, Duration nextStep, Duration retryBackoff,
    Duration orphanGrace, Duration probeInterval, Duration bootDeadline) {

  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofMinutes(2);
  public static final Duration DEFAULT_BOOT_DEADLINE = Duration.ofMinutes(15);

  public SeedboxTiming {
    Objects.requireNonNull(serverPoll, "serverPoll");
    Objects.requireNonNull(waitRecheck, "waitRecheck");
    Objects.requireNonNull(nextStep, "nextStep");
    Objects.requireNonNull(retryBackoff, "retryBackoff");
    Objects.requireNonNull(orphanGrace, "orphanGrace");
    Objects.requireNonNull(probeInterval, "probeInterval");
    Objects.requireNonNull(bootDeadline, "bootDeadline");
  }

  /** With the default probe interval and boot deadline. */
  public SeedboxTiming(Duration serverPoll, Duration waitRecheck, Duration nextStep, Duration retryBackoff,
      Duration orphanGrace) {
    this(serverPoll, waitRecheck, nextStep, retryBackoff, orphanGrace, DEFAULT_PROBE_INTERVAL,
        DEFAULT_BOOT_DEADLINE);
  }

  public static SeedboxTiming defaults() {
    return new SeedboxTiming(SeedboxDecider.SERVER_POLL, SeedboxDecider.WAIT_RECHECK, Duration.ofMillis(10),
        SeedboxDecider.DEFAULT_RETRY, Duration.ofMinutes(15));
  }

  public SeedboxTiming withHostChecks(Duration probe, Duration boot) {
    return new SeedboxTiming(serverPoll, waitRecheck, nextStep, retryBackoff, orphanGrace, probe, boot);
  }

  Duration capPoll(Duration wanted) {
    return wanted.compareTo(serverPoll) > 0 ? serverPoll : wanted;
  }

  /** A retryable failure that came without a wait of its own waits {@link #retryBackoff}. */
  SeedboxObservation.ProviderFailure withBackoff(SeedboxObservation.ProviderFailure failure) {
    return failure.retryable() && failure.retryAfter() == null
        ? new SeedboxObservation.ProviderFailure(true, retryBackoff, failure.message(), failure.reason()) : failure;
  }

  Duration capWait(Duration wanted) {
    return wanted.compareTo(waitRecheck) > 0 ? waitRecheck : wanted;
  }
}

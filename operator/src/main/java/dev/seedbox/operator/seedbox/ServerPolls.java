package dev.seedbox.operator.seedbox;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.operator.seedbox.SeedboxObservation.Server;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The provider status last seen per Seedbox (by UID), so that a pass woken by something other than its own poll
 * timer reuses an answer younger than one poll interval ({@link SeedboxTiming#serverPoll()}) instead of asking the
 * provider again. Ledger NOTIFYs name an account, not a seedbox: every charge wakes every Seedbox of the account,
 * and in a burst of orders each sibling that already has a server would poll it once per sibling's charge (up to
 * 80 % of all provider calls in the operator benchmark), against the provider's rate limit.
 *
 * <p>Only a booting or running server in Provisioning or Active is remembered, and only for the phase it was seen
 * in; failures, stopped and vanished servers are always asked again. Elapsed time is measured with
 * {@link System#nanoTime()}: this is a rate limit, not business time (tests move the reconciler's clock by hand).
 */
final class ServerPolls {

  /** A remembered answer and how old it is. */
  record Seen(Server server, Duration age) {
  }

  private record Entry(Phase phase, long nanos, Server server) {
  }

  private final Map<String, Entry> byUid = new ConcurrentHashMap<>();

  /** The answer seen for {@code uid} in {@code phase} less than {@code window} ago, if any. */
  Optional<Seen> recent(String uid, Phase phase, Duration window) {
    Entry entry = byUid.get(uid);
    if (entry == null || entry.phase() != phase) {
      return Optional.empty();
    }
    long age = System.nanoTime() - entry.nanos();
    return age < window.toNanos() ? Optional.of(new Seen(entry.server(), Duration.ofNanos(age)))
        : Optional.empty();
  }

  /** Remembers a fresh answer worth reusing; any other answer forgets the last one. */
  void record(String uid, Phase phase, Server server) {
    boolean reusable = (phase == Phase.PROVISIONING || phase == Phase.ACTIVE)
        && (server instanceof Server.Running || server instanceof Server.Creating);
    if (reusable) {
      byUid.put(uid, new Entry(phase, System.nanoTime(), server));
    } else {
      byUid.remove(uid);
    }
  }

  void forget(String uid) {
    byUid.remove(uid);
  }
}

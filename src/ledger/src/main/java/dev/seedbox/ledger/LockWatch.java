package dev.seedbox.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one singleton lock (the billing cycle's, the sealer's) from the side that keeps finding it taken: how long
 * it has been busy, for a gauge, and one WARN line each time that passes the limit, so a lock held by anyone else
 * for too long never stops work silently.
 */
public final class LockWatch {

  private static final Logger LOG = LoggerFactory.getLogger(LockWatch.class);

  private final String lock;
  private final Duration limit;
  private volatile Instant busySince;
  private volatile boolean warned;

  public LockWatch(String lock, Duration limit) {
    this.lock = Objects.requireNonNull(lock, "lock");
    this.limit = Objects.requireNonNull(limit, "limit");
  }

  /** Records one attempt to take the lock at {@code now}. */
  public void attempted(boolean taken, Instant now) {
    if (taken) {
      if (warned) {
        LOG.info("lock {} taken again after {} held elsewhere", lock, Duration.between(busySince, now));
      }
      busySince = null;
      warned = false;
      return;
    }
    if (busySince == null) {
      busySince = now;
    }
    Duration busy = Duration.between(busySince, now);
    if (!warned && busy.compareTo(limit) > 0) {
      warned = true;
      LOG.warn("lock {} has been held by another session for {} (limit {}): its work is not running here",
          lock, busy, limit);
    }
  }

  /** How long the lock has been found taken, zero when the last attempt got it. */
  public Duration busyFor(Instant now) {
    Instant since = busySince;
    return since == null ? Duration.ZERO : Duration.between(since, now);
  }

  public String lock() {
    return lock;
  }
}

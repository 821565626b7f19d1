package dev.seedbox.operator.seedbox;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exponential back-off per Seedbox for a step that keeps failing on its server (a credentials rotation whose login
 * check fails): the first retry after {@code base}, doubling up to {@code max}. Kept in memory: an operator restart
 * starts again at {@code base}, which costs one early retry, never a lost one.
 */
final class RetryBackoff {

  private final Duration base;
  private final Duration max;
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();

  RetryBackoff(Duration base, Duration max) {
    this.base = base;
    this.max = max;
  }

  /** Records one more failure and says how long to wait before the next attempt. */
  Duration failed(String uid) {
    int n = failures.merge(uid, 1, Integer::sum);
    Duration wait = base.multipliedBy(1L << Math.min(n - 1, 20));
    return wait.compareTo(max) > 0 ? max : wait;
  }

  void succeeded(String uid) {
    failures.remove(uid);
  }
}

package dev.seedbox.devstack;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The dev stack's one clock, shared by the operator, the billing-controller, the ledger and the sandbox gateway:
 * the system clock plus an offset that only grows. Time keeps running (provider latency, webhook timestamps, leases
 * behave as usual) and {@link #jump} moves everyone a billing period ahead at once.
 */
public final class DevClock extends Clock {

  private final Clock base;
  private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

  public DevClock(Clock base) {
    this.base = base;
  }

  public static DevClock system() {
    return new DevClock(Clock.systemUTC());
  }

  /** Moves every component's "now" forward by {@code by} and returns the new now. */
  public Instant jump(Duration by) {
    if (by.isNegative()) {
      throw new IllegalArgumentException("the dev clock only moves forward, asked to move by " + by);
    }
    offset.accumulateAndGet(by, Duration::plus);
    return instant();
  }

  /** How far ahead of the wall clock this clock runs. */
  public Duration offset() {
    return offset.get();
  }

  @Override
  public Instant instant() {
    return base.instant().plus(offset.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}

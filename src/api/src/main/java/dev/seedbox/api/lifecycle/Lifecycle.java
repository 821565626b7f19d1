package dev.seedbox.api.lifecycle;

import static dev.seedbox.api.lifecycle.Phase.ACTIVE;
import static dev.seedbox.api.lifecycle.Phase.FAILED;
import static dev.seedbox.api.lifecycle.Phase.PENDING;
import static dev.seedbox.api.lifecycle.Phase.PROVISIONING;
import static dev.seedbox.api.lifecycle.Phase.SUSPENDED;
import static dev.seedbox.api.lifecycle.Phase.TERMINATED;
import static dev.seedbox.api.lifecycle.Phase.TERMINATING;

import java.time.Clock;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The one owner of the seedbox transition table (architecture §5). Every phase change goes through {@link #transition};
 * it returns the {@link Transition} to audit, or throws before the caller has written anything.
 */
public final class Lifecycle {

  private static final Map<Phase, Set<Phase>> ALLOWED;

  static {
    Map<Phase, Set<Phase>> table = new EnumMap<>(Phase.class);
    for (Phase phase : Phase.values()) {
      table.put(phase, EnumSet.noneOf(Phase.class));
    }
    table.get(PENDING).addAll(EnumSet.of(PROVISIONING, TERMINATED));
    table.get(PROVISIONING).addAll(EnumSet.of(ACTIVE, FAILED));
    table.get(ACTIVE).addAll(EnumSet.of(SUSPENDED, TERMINATING));
    table.get(SUSPENDED).addAll(EnumSet.of(ACTIVE, TERMINATING));
    table.get(FAILED).add(TERMINATING);
    table.get(TERMINATING).add(TERMINATED);
    table.replaceAll((phase, next) -> Collections.unmodifiableSet(next));
    ALLOWED = Collections.unmodifiableMap(table);
  }

  private final Clock clock;

  public Lifecycle(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public Lifecycle() {
    this(Clock.systemUTC());
  }

  /** Whether the table has an edge from {@code from} to {@code to}; a phase never transitions to itself. */
  public static boolean allows(Phase from, Phase to) {
    return ALLOWED.get(Objects.requireNonNull(from, "from")).contains(Objects.requireNonNull(to, "to"));
  }

  /** The phases reachable in one step from {@code from}. */
  public static Set<Phase> next(Phase from) {
    return ALLOWED.get(Objects.requireNonNull(from, "from"));
  }

  /** Whether nothing can follow this phase. */
  public static boolean isFinal(Phase phase) {
    return next(phase).isEmpty();
  }

  /**
   * Checks one transition and returns it stamped with the clock's time.
   *
   * @throws InvalidTransitionException when the table has no such edge
   */
  public Transition transition(Phase from, Phase to, String reason) {
    Objects.requireNonNull(reason, "reason");
    if (!allows(from, to)) {
      throw new InvalidTransitionException(from, to, next(from));
    }
    return new Transition(from, to, reason, clock.instant());
  }
}

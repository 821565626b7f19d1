package dev.seedbox.api.lifecycle;

import java.util.Set;

/** A transition the lifecycle table (architecture §5) does not allow; nothing was written. */
public class InvalidTransitionException extends RuntimeException {

  private final Phase from;
  private final Phase to;

  public InvalidTransitionException(Phase from, Phase to, Set<Phase> allowed) {
    super("cannot move a seedbox from " + from + " to " + to + "; from " + from + " the lifecycle allows "
        + (allowed.isEmpty() ? "no further transition" : allowed.toString()));
    this.from = from;
    this.to = to;
  }

  public Phase from() {
    return from;
  }

  public Phase to() {
    return to;
  }
}

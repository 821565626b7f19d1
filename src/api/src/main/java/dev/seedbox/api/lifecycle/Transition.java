package dev.seedbox.api.lifecycle;

import java.time.Instant;
import java.util.Objects;

/** An accepted lifecycle transition; callers write it to the audit log and as a Kubernetes Event. */
public record Transition(Phase from, Phase to, String reason, Instant at) {

  public Transition {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(at, "at");
  }
}

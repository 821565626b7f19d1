package dev.seedbox.operator.seedbox;

import dev.seedbox.api.lifecycle.Phase;
import java.time.Duration;
import java.util.Optional;

/**
 * The one next step for a seedbox. Decisions that move the lifecycle name their target phase; the act step passes
 * (current phase, target) through the {@code Lifecycle} guard before it writes anything.
 */
public sealed interface SeedboxDecision {

  /** The phase this step moves the seedbox to, if it moves it. */
  default Optional<Phase> target() {
    return Optional.empty();
  }

  /** Nothing to do; check again after {@code recheck}. Pending waits (payment, suspended account) land here. */
  record Wait(String reason, String message, Duration recheck) implements SeedboxDecision {
  }

  /** The spec cannot be served as written: a condition says why; nothing is provisioned or charged. */
  record RejectSpec(String reason, String message) implements SeedboxDecision {
  }

  /** Charge the first period (charge n = 0) and write the resources row in one transaction; go Provisioning. */
  record StartProvisioning(long firstPeriodCents) implements SeedboxDecision {
    @Override
    public Optional<Phase> target() {
      return Optional.of(Phase.PROVISIONING);
    }
  }

  /** provider.create with the seedbox UID (idempotent: adopts a server carrying the UID); record the ref at once. */
  record CreateServer() implements SeedboxDecision {
  }

  /** The server is being built; look again soon. */
  record AwaitServer(Duration recheck) implements SeedboxDecision {
  }

  /** The server runs: record the endpoint and the credentials Secret, go Active. */
  record MarkActive(String address, String webUiUrl) implements SeedboxDecision {
    @Override
    public Optional<Phase> target() {
      return Optional.of(Phase.ACTIVE);
    }
  }

  /** Billing hold or operator hold: power off, go Suspended. */
  record Suspend(String reason, String message) implements SeedboxDecision {
    @Override
    public Optional<Phase> target() {
      return Optional.of(Phase.SUSPENDED);
    }
  }

  /** Both holds cleared: power on, go Active. */
  record Resume() implements SeedboxDecision {
    @Override
    public Optional<Phase> target() {
      return Optional.of(Phase.ACTIVE);
    }
  }

  /** Go Terminating (deletion, or terminate-at passed). */
  record Terminate(String reason, String message) implements SeedboxDecision {
    @Override
    public Optional<Phase> target() {
      return Optional.of(Phase.TERMINATING);
    }
  }

  /** Provisioning cannot finish: go Failed, refunding the first period by a compensating entry. */
  record FailProvisioning(String reason, String message) implements SeedboxDecision {
    @Override
    public Optional<Phase> target() {
      return Optional.of(Phase.FAILED);
    }
  }

  /** Deleted before anything was created or charged: straight to Terminated. */
  record CancelPending() implements SeedboxDecision {
    @Override
    public Optional<Phase> target() {
      return Optional.of(Phase.TERMINATED);
    }
  }

  /** provider.terminate (idempotent); the next pass sees the server gone. */
  record ReleaseServer() implements SeedboxDecision {
  }

  /** The server is gone: go Terminated. */
  record FinishTermination() implements SeedboxDecision {
    @Override
    public Optional<Phase> target() {
      return Optional.of(Phase.TERMINATED);
    }
  }

  /** Terminated and being deleted: remove our finalizer. */
  record RemoveFinalizer() implements SeedboxDecision {
  }

  /** Set new web UI credentials once for this {@code spec.credentialsRotation} value. */
  record RotateCredentials(long rotation) implements SeedboxDecision {
  }

  /** A retryable provider failure: try again after {@code after} (the provider's, when it gave one). */
  record RetryLater(Duration after, String message) implements SeedboxDecision {
  }

  /** Something to tell the user without acting on it (a vanished server is reported, never silently recreated). */
  record Report(String reason, String message, Duration recheck) implements SeedboxDecision {
  }

  /** Observed state matches the desired state. */
  record InSync() implements SeedboxDecision {
  }
}

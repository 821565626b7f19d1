package dev.seedbox.operator.seedbox;

import dev.seedbox.api.lifecycle.Phase;
import java.time.Duration;
import java.util.Optional;

/**
 * The one next step for a seedbox. Decisions that move the lifecycle name their target phase; the act step passes
 * (current phase, target) through the {@code Lifecycle} guard before it writes anything.
 */
public sealed interface SeedboxDecision {

  /**
   * Hands this decision to the handler's method for its type. Every decision type has one method in
   * {@link Handler}, so a new decision does not compile until every handler handles it (the exhaustive switch over
   * a sealed type that Java 17 has only as a preview).
   */
  <R> R handledBy(Handler<R> handler);

  /** One method per decision type. */
  interface Handler<R> {
    R waitFor(Wait wait);

    R rejectSpec(RejectSpec reject);

    R startProvisioning(StartProvisioning start);

    R preflightOwnServer(PreflightOwnServer preflight);

    R awaitOwnServer(AwaitOwnServer await);

    R holdManagement(HoldManagement hold);

    R releaseManagementHold(ReleaseManagementHold release);

    R createServer(CreateServer create);

    R awaitServer(AwaitServer await);

    R awaitHost(AwaitHost await);

    R hostUnhealthy(HostUnhealthy unhealthy);

    R markActive(MarkActive active);

    R suspend(Suspend suspend);

    R resume(Resume resume);

    R terminate(Terminate terminate);

    R failProvisioning(FailProvisioning fail);

    R cancelPending(CancelPending cancel);

    R releaseServer(ReleaseServer release);

    R finishTermination(FinishTermination finish);

    R removeFinalizer(RemoveFinalizer remove);

    R rotateCredentials(RotateCredentials rotate);

    R retryLater(RetryLater retry);

    R report(Report report);

    R inSync(InSync inSync);
  }

  /** The phase this step moves the seedbox to, if it moves it. */
  default Optional<Phase> target() {
    return Optional.empty();
  }

  /** Nothing to do; check again after {@code recheck}. Pending waits (payment, suspended account) land here. */
  record Wait(String reason, String message, Duration recheck) implements SeedboxDecision {
    @Override
    public <R> R handledBy(Handler<R> handler) {
      return handler.waitFor(this);
    }
  }

  /** The spec cannot be served as written: a condition says why; nothing is provisioned or charged. */
  record RejectSpec(String reason, String message) implements SeedboxDecision {
    @Override
    public <R> R handledBy(Handler<R> handler) {
      return handler.rejectSpec(this);
    }
  }

  /** Charge the first period (charge n = 0) and write the resources row in one transaction; go Provisioning. */
  record StartProvisioning(long firstPeriodCents) implements SeedboxDecision {
    @Override
    public <R> R handledBy(Handler<R> handler) {
      return handler.startProvisioning(this);
    }

    @Override
    public Optional<Phase> target() {
      return Optional.of(Phase.PROVISIONING);
    }
  }

  /**
   * A seedbox for the customer's own server, paid for: check that the server can take it (our host script through
   * the customer's sudo, then OS, systemd, architecture, disk, ports); only then charge the first period and go
   * Provisioning. A refusal is a condition with its reason, and nothing is charged.
   */
  record PreflightOwnServer(long firstPeriodCents) implements SeedboxDecision {
    @Override
    public <R> R handledBy(Handler<R> handler) {
      return handler.preflightOwnServer(this);
    }

    @Override
    public Optional<Phase> target() {
      return Optional.of(Phase.PROVISIONING);
    }
  }

  /**
   * Provisioning on a customer's server the operator cannot reach through its ByosConnection now: wait for it, up to
   * the boot deadline (then Failed, first period refunded).
   */
  record AwaitOwnServer(String reason, String message) implements SeedboxDecision {
    @Override
    public <R> R handledBy(Handler<R> handler) {
      return handler.awaitOwnServer(this);
    }
  }

  /**
   * An Active seedbox on a customer's server the operator cannot manage (connection gone, not Connected, our key
   * refused, the server unreachable): Ready says why, and billing is held until it can be managed again.
   */
  record HoldManagement(String reason, String message) implements SeedboxDecision {
    @Override
    public <R> R handledBy(Handler<R> handler) {
      return handler.holdManagement(this);
    }
  }

  /** The customer's server can be managed again: billing resumes. */
  record ReleaseManagementHold() implements SeedboxDecision {
    @Override
    public <R> R handledBy(Handler<R> handler) {
      return handler.releaseManagementHold(this);
    }
  }

  /** provider.create with the seedbox UID (idempotent: adopts a server carrying the UID); record the ref at once. */
  record CreateServer() implements SeedboxDecision {
    @Override
    public <R> R handledBy(Handler<R> handler) {
      return handler.createServer(this);
    }
  }

  /** The server is being built; look again soon. */
  record AwaitServer(Duration recheck) implements SeedboxDecision {
    @Override
    public <R> R handledBy(Handler<R> handler) {
      return handler.awaitServer(this);
    }
  }

  /**
   * The server runs at the provider: prepare it over the host channel (first boot finished, client installed, first
   * credentials set and a login accepted) and go Active only then, recording the endpoint and the credentials Secret.
   */
  record MarkActive(String address, String webUiUrl) implements SeedboxDecision {
    @Override
    public <R> R handledBy(Handler<R> handler) {
      return handler.markActive(this);
    }

    @Override
    public Optional<Phase> target() {
      return Optional.of(Phase.ACTIVE);
    }
  }

  /** The server runs but is not ready for the customer yet ({@code reason} says which step); look again soon. */
  record AwaitHost(String reason, String message) implements SeedboxDecision {
    @Override
    public <R> R handledBy(Handler<R> handler) {
      return handler.awaitHost(this);
    }
  }

  /**
   * An Active seedbox's probe found the customer cannot use it ({@code reason}: ClientNotRunning,
   * CredentialsRejected, HostUnreachable, ...): Ready says so, and the probe looks again after one probe interval.
   * Nothing is repaired by re-creating the server.
   */
  record HostUnhealthy(String reason, String message) implements SeedboxDecision {
    @Override
    public <R> R handledBy(Handler<R> handler) {
      return handler.hostUnhealthy(this);
    }
  }

  /** Billing hold or operator hold: stop the client and close its ports (data kept), go Suspended. */
  record Suspend(String reason, String message) implements SeedboxDecision {
    @Override
    public <R> R handledBy(Handler<R> handler) {
      return handler.suspend(this);
    }

    @Override
    public Optional<Phase> target() {
      return Optional.of(Phase.SUSPENDED);
    }
  }

  /** Both holds cleared: start the client, go Active (the probe then checks the customer's login). */
  record Resume() implements SeedboxDecision {
    @Override
    public <R> R handledBy(Handler<R> handler) {
      return handler.resume(this);
    }

    @Override
    public Optional<Phase> target() {
      return Optional.of(Phase.ACTIVE);
    }
  }

  /** Go Terminating (deletion, or terminate-at passed). */
  record Terminate(String reason, String message) implements SeedboxDecision {
    @Override
    public <R> R handledBy(Handler<R> handler) {
      return handler.terminate(this);
    }

    @Override
    public Optional<Phase> target() {
      return Optional.of(Phase.TERMINATING);
    }
  }

  /** Provisioning cannot finish: go Failed, refunding the first period by a compensating entry. */
  record FailProvisioning(String reason, String message) implements SeedboxDecision {
    @Override
    public <R> R handledBy(Handler<R> handler) {
      return handler.failProvisioning(this);
    }

    @Override
    public Optional<Phase> target() {
      return Optional.of(Phase.FAILED);
    }
  }

  /** Deleted before anything was created or charged: straight to Terminated. */
  record CancelPending() implements SeedboxDecision {
    @Override
    public <R> R handledBy(Handler<R> handler) {
      return handler.cancelPending(this);
    }

    @Override
    public Optional<Phase> target() {
      return Optional.of(Phase.TERMINATED);
    }
  }

  /** provider.terminate (idempotent); the next pass sees the server gone. */
  record ReleaseServer() implements SeedboxDecision {
    @Override
    public <R> R handledBy(Handler<R> handler) {
      return handler.releaseServer(this);
    }
  }

  /** The server is gone: go Terminated. */
  record FinishTermination() implements SeedboxDecision {
    @Override
    public <R> R handledBy(Handler<R> handler) {
      return handler.finishTermination(this);
    }

    @Override
    public Optional<Phase> target() {
      return Optional.of(Phase.TERMINATED);
    }
  }

  /** Terminated and being deleted: remove our finalizer. */
  record RemoveFinalizer() implements SeedboxDecision {
    @Override
    public <R> R handledBy(Handler<R> handler) {
      return handler.removeFinalizer(this);
    }
  }

  /** Set new web UI credentials once for this {@code spec.credentialsRotation} value. */
  record RotateCredentials(long rotation) implements SeedboxDecision {
    @Override
    public <R> R handledBy(Handler<R> handler) {
      return handler.rotateCredentials(this);
    }
  }

  /** A retryable provider failure: try again after {@code after} (the provider's, when it gave one). */
  record RetryLater(Duration after, String message, String reason) implements SeedboxDecision {

    RetryLater(Duration after, String message) {
      this(after, message, SeedboxDecider.Reasons.PROVIDER_ERROR);
    }

    @Override
    public <R> R handledBy(Handler<R> handler) {
      return handler.retryLater(this);
    }
  }

  /** Something to tell the user without acting on it (a vanished server is reported, never silently recreated). */
  record Report(String reason, String message, Duration recheck) implements SeedboxDecision {
    @Override
    public <R> R handledBy(Handler<R> handler) {
      return handler.report(this);
    }
  }

  /** Observed state matches the desired state. */
  record InSync() implements SeedboxDecision {
    @Override
    public <R> R handledBy(Handler<R> handler) {
      return handler.inSync(this);
    }
  }
}

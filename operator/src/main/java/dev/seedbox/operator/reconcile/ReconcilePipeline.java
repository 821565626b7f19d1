package dev.seedbox.operator.reconcile;

import dev.seedbox.api.decode.UndecodableField;
import dev.seedbox.api.status.ResourceStatus;
import dev.seedbox.operator.metrics.OperatorMetrics;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The shell every reconciler shares (architecture §2): time the pass, start from the freshest copy (our own last
 * status write when the informer has not caught up), stop at a resource that does not decode
 * ({@link InvalidSpecGate}) and at {@code spec.paused}, run the kind's step, stamp
 * {@code observedGeneration}, and hand the status to the {@link StatusRecorder}. The step observes, decides and
 * acts; it and the kind's status aggregator are all a reconciler brings.
 */
public final class ReconcilePipeline<P extends CustomResource<?, S>, S extends ResourceStatus> {

  /** How soon to look again after a status write failed: the status is recomputed then. */
  static final Duration AFTER_FAILED_WRITE = Duration.ofSeconds(5);

  /** One kind's pass over one resource: edits {@code status} in place and says what comes next. */
  @FunctionalInterface
  public interface Step<P, S> {
    Outcome run(P resource, S status);
  }

  /**
   * What a pass ended with.
   *
   * @param recheck when to look again; null: only when an event arrives
   * @param removeFinalizer (cleanup only) the resource may go
   */
  public record Outcome(Duration recheck, boolean removeFinalizer) {
    public static Outcome after(Duration recheck) {
      return new Outcome(Objects.requireNonNull(recheck, "recheck"), false);
    }

    public static Outcome idle() {
      return new Outcome(null, false);
    }

    public static Outcome removeFinalizerNow() {
      return new Outcome(null, true);
    }
  }

  private final String kind;
  private final OperatorMetrics metrics;
  private final PauseGate pauseGate;
  private final InvalidSpecGate invalidSpecs;
  private final StatusRecorder<P, S> statuses;
  private final Predicate<P> paused;
  private final boolean pauseHoldsDeletion;

  /**
   * @param paused reads {@code spec.paused}
   * @param pauseHoldsDeletion a paused resource's deletion waits too (Seedbox), or goes ahead (accounts, connections)
   */
  public ReconcilePipeline(String kind, OperatorMetrics metrics, PauseGate pauseGate, InvalidSpecGate invalidSpecs,
      StatusRecorder<P, S> statuses, Predicate<P> paused, boolean pauseHoldsDeletion) {
    this.kind = kind;
    this.metrics = metrics;
    this.pauseGate = pauseGate;
    this.invalidSpecs = invalidSpecs;
    this.statuses = statuses;
    this.paused = paused;
    this.pauseHoldsDeletion = pauseHoldsDeletion;
  }

  public UpdateControl<P> reconcile(P cached, Step<P, S> step) {
    P resource = statuses.freshest(cached);
    return metrics.timeReconcile(kind, () -> {
      Optional<UndecodableField> problem = InvalidSpecGate.problemOf(resource);
      if (problem.isPresent()) {
        // nothing to do until the user edits the resource, and that edit is an event: no recheck
        return reschedule(UpdateControl.noUpdate(), null, reportUndecodable(resource, problem.get(), false));
      }
      StatusRecorder.Snapshot<S> snapshot = statuses.snapshot(resource);
      if (pauseGate.apply(resource, snapshot.status(), paused.test(resource)) == PauseGate.Verdict.PAUSED) {
        return reschedule(UpdateControl.noUpdate(), null, statuses.record(resource, snapshot));
      }
      Outcome outcome = step.run(resource, snapshot.status());
      snapshot.status().setObservedGeneration(resource.getMetadata().getGeneration());
      return reschedule(UpdateControl.noUpdate(), outcome.recheck(), statuses.record(resource, snapshot));
    });
  }

  /**
   * The finalizer's pass. A pass that keeps the finalizer comes back after its recheck, or {@code defaultRecheck}
   * when it named none (a deletion is always followed up).
   */
  public DeleteControl cleanup(P cached, Step<P, S> step, Duration defaultRecheck) {
    P resource = statuses.freshest(cached);
    return metrics.timeReconcile(kind, () -> {
      Optional<UndecodableField> problem = InvalidSpecGate.problemOf(resource);
      if (problem.isPresent()) {
        // what the resource holds cannot be released without reading it; the fix is an event
        reportUndecodable(resource, problem.get(), true);
        return DeleteControl.noFinalizerRemoval();
      }
      StatusRecorder.Snapshot<S> snapshot = statuses.snapshot(resource);
      if (pauseHoldsDeletion
          && pauseGate.apply(resource, snapshot.status(), paused.test(resource)) == PauseGate.Verdict.PAUSED) {
        statuses.record(resource, snapshot);
        return DeleteControl.noFinalizerRemoval();
      }
      Outcome outcome = step.run(resource, snapshot.status());
      if (outcome.removeFinalizer()) {
        statuses.forget(resource);
        return DeleteControl.defaultDelete();
      }
      snapshot.status().setObservedGeneration(resource.getMetadata().getGeneration());
      boolean written = statuses.record(resource, snapshot);
      Duration recheck = outcome.recheck() == null ? defaultRecheck : outcome.recheck();
      if (!written && recheck.compareTo(AFTER_FAILED_WRITE) > 0) {
        recheck = AFTER_FAILED_WRITE;
      }
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(Math.max(1, recheck.toMillis()));
    });
  }

  /** Reports the problem, as a condition when the stored status can be read (writing it would replace it). */
  private boolean reportUndecodable(P resource, UndecodableField problem, boolean deleting) {
    if (!InvalidSpecGate.statusReadable(resource)) {
      invalidSpecs.report(resource, null, problem, deleting);
      return true;
    }
    StatusRecorder.Snapshot<S> snapshot = statuses.snapshot(resource);
    invalidSpecs.report(resource, snapshot.status(), problem, deleting);
    return statuses.record(resource, snapshot);
  }

  private static <P extends CustomResource<?, ?>> UpdateControl<P> reschedule(UpdateControl<P> control,
      Duration recheck, boolean written) {
    Duration next = written ? recheck : recheck == null || recheck.compareTo(AFTER_FAILED_WRITE) > 0
        ? AFTER_FAILED_WRITE : recheck;
    return next == null ? control : control.rescheduleAfter(Math.max(1, next.toMillis()));
  }
}

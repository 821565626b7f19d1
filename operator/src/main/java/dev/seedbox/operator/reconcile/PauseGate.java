package dev.seedbox.operator.reconcile;

import dev.seedbox.api.status.ConditionStatus;
import dev.seedbox.api.status.ResourceStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code spec.paused} handling every reconciler shares: a paused resource gets {@code Paused=True} with reason
 * {@code ReconciliationPaused} and its {@code observedGeneration}, and nothing else is done to it or for it;
 * unpausing removes the condition and reconciliation carries on in the same pass.
 */
public final class PauseGate {

  public static final String CONDITION = "Paused";
  public static final String REASON_PAUSED = "ReconciliationPaused";
  public static final String REASON_RESUMED = "ReconciliationResumed";

  private static final Logger LOG = LoggerFactory.getLogger(PauseGate.class);

  /** What the caller does next. */
  public enum Verdict {
    /** Paused: record the status and stop. */
    PAUSED,
    /** Not paused (any more): carry on with observe, decide, act, record. */
    PROCEED
  }

  private final EventRecorder events;
  private final Clock clock;

  public PauseGate(EventRecorder events, Clock clock) {
    this.events = events;
    this.clock = clock;
  }

  /** Updates {@code status} in place for the paused flag; emits an Event when the resource pauses or resumes. */
  public Verdict apply(HasMetadata resource, ResourceStatus status, boolean paused) {
    Long generation = resource.getMetadata().getGeneration();
    String who = resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
    if (paused) {
      boolean newlyPaused = !status.conditionIsTrue(CONDITION);
      status.setCondition(CONDITION, ConditionStatus.TRUE, REASON_PAUSED,
          "spec.paused is true: the operator does not act on this resource", generation, clock.instant());
      status.setObservedGeneration(generation);
      if (newlyPaused) {
        LOG.info("{} {}: reconciliation paused", resource.getKind(), who);
        events.normal(resource, REASON_PAUSED, "spec.paused is true: reconciliation stopped");
      }
      return Verdict.PAUSED;
    }
    if (status.removeCondition(CONDITION)) {
      LOG.info("{} {}: reconciliation resumed", resource.getKind(), who);
      events.normal(resource, REASON_RESUMED, "spec.paused is false: reconciliation resumed");
    }
    return Verdict.PROCEED;
  }
}

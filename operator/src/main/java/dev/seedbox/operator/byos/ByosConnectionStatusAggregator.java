package dev.seedbox.operator.byos;

import dev.seedbox.api.status.ConditionStatus;
import dev.seedbox.api.v1alpha1.ByosConnectionStatus;
import dev.seedbox.api.v1alpha1.ByosPhase;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A ByosConnection's phase and its {@code KeyIssued} and {@code Ready} conditions from what the pass found. Pure: it
 * reads nothing but its arguments.
 */
final class ByosConnectionStatusAggregator {

  private ByosConnectionStatusAggregator() {
  }

  static void keyIssued(ByosConnectionStatus status, String message, Long generation, Instant now) {
    status.setCondition(ByosConnectionStatus.KEY_ISSUED, ConditionStatus.TRUE,
        ByosConnectionReconciler.REASON_KEY_ISSUED, message, generation, now);
  }

  /** Connected and verified now with this host key. */
  static void connected(ByosConnectionStatus status, String hostKeyFingerprint, String message, Long generation,
      Instant now) {
    status.setPhase(ByosPhase.CONNECTED);
    status.setObservedHostKeyFingerprint(hostKeyFingerprint);
    status.setLastVerifiedAt(now.truncatedTo(ChronoUnit.SECONDS).toString());
    status.setCondition(ByosConnectionStatus.READY, ConditionStatus.TRUE, ByosConnectionReconciler.REASON_CONNECTED,
        message, generation, now);
  }

  /** Sets the phase and Ready=False with the reason; true when the phase or the reason is new. */
  static boolean notReady(ByosConnectionStatus status, ByosPhase phase, String reason, String message,
      Long generation, Instant now) {
    boolean changed = status.getPhase() != phase
        || !status.findCondition(ByosConnectionStatus.READY).map(c -> reason.equals(c.getReason())).orElse(false);
    status.setPhase(phase);
    status.setCondition(ByosConnectionStatus.READY, ConditionStatus.FALSE, reason, message, generation, now);
    return changed;
  }
}

package dev.seedbox.operator.seedbox;

import dev.seedbox.api.lifecycle.Lifecycle;
import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.lifecycle.Transition;
import dev.seedbox.ledger.LedgerModule;
import dev.seedbox.ledger.SeedboxRecords;
import dev.seedbox.operator.metrics.OperatorMetrics;
import dev.seedbox.operator.reconcile.EventRecorder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a Seedbox through the lifecycle: the {@link Lifecycle} guard first (an invalid transition throws before
 * anything is written), then the row's phase and the transition's one audit event in one transaction, then the
 * status, a Kubernetes Event, the metric and a log line.
 */
final class SeedboxTransitions {

  private static final Logger LOG = LoggerFactory.getLogger(SeedboxTransitions.class);

  private final LedgerModule ledger;
  private final Lifecycle lifecycle;
  private final EventRecorder events;
  private final OperatorMetrics metrics;
  private final ServerPolls serverPolls;

  SeedboxTransitions(LedgerModule ledger, Lifecycle lifecycle, EventRecorder events, OperatorMetrics metrics,
      ServerPolls serverPolls) {
    this.ledger = ledger;
    this.lifecycle = lifecycle;
    this.events = events;
    this.metrics = metrics;
    this.serverPolls = serverPolls;
  }

  /** The guard for the decision's target phase. */
  Transition guard(SeedboxPass pass, SeedboxDecision decision, String reason) {
    Phase to = decision.target().orElseThrow(() -> new IllegalArgumentException(
        decision + " moves the seedbox nowhere"));
    return lifecycle.transition(pass.phase, to, reason);
  }

  /** Records an accepted transition. */
  void record(SeedboxPass pass, Transition t, String message, EventRecorder.Type type) {
    boolean rowExists = ledger.seedboxes().seedbox(pass.uid).isPresent();
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("namespace", pass.seedbox.getMetadata().getNamespace());
    detail.put("name", pass.seedbox.getMetadata().getName());
    detail.put("from", t.from().wireName());
    detail.put("to", t.to().wireName());
    detail.put("reason", t.reason());
    detail.put("message", message);
    ledger.jdbi().useTransaction(h -> {
      // without a row (a cancelled order) or with the row written in the target phase (startProvisioning writes it
      // as Provisioning) the phase is there already, and the audit event is all that is left to write
      if (!rowExists || !ledger.seedboxes().recordPhase(h, pass.uid, t.to(), SeedboxReconciler.ACTOR, detail)) {
        ledger.audit().append(h, SeedboxReconciler.ACTOR, SeedboxRecords.TRANSITION, "seedbox:" + pass.uid, detail);
      }
    });
    pass.phase = t.to();
    serverPolls.forget(pass.uid); // what was seen belongs to the phase before (a suspend, a resume changed the server)
    pass.status.setPhase(t.to());
    pass.status.setMessage(message);
    events.record(pass.seedbox, type, t.reason(), t.from() + " -> " + t.to() + ": " + message);
    metrics.transition(t.from(), t.to());
    LOG.info("Seedbox {}: {} -> {} ({}): {}", pass.who, t.from(), t.to(), t.reason(), message);
    pass.row = ledger.seedboxes().seedbox(pass.uid);
  }
}

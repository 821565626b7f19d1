package dev.seedbox.operator.seedbox;

import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.api.v1alpha1.SeedboxStatus;
import dev.seedbox.operator.metrics.OperatorMetrics;
import dev.seedbox.operator.reconcile.PauseGate;
import dev.seedbox.operator.reconcile.StatusRecorder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * Reconciles Seedboxs: observe, decide (a pure function), act (one idempotent step), record (status, audit, Event).
 *
 * <p>NEXT SESSION: only the shared pause handling is wired. The observe/act steps need the ledger, provisioning and
 * keys modules; they go where the marked seam is below.
 */
@ControllerConfiguration(name = SeedboxReconciler.NAME)
public class SeedboxReconciler implements Reconciler<Seedbox> {

  public static final String NAME = "seedbox";

  private final PauseGate pauseGate;
  private final OperatorMetrics metrics;
  private final StatusRecorder<Seedbox, SeedboxStatus> statusRecorder = new StatusRecorder<>(SeedboxStatus::new);

  public SeedboxReconciler(PauseGate pauseGate, OperatorMetrics metrics) {
    this.pauseGate = pauseGate;
    this.metrics = metrics;
  }

  @Override
  public UpdateControl<Seedbox> reconcile(Seedbox resource, Context<Seedbox> context) {
    return metrics.timeReconcile("Seedbox", () -> reconcileOnce(resource));
  }

  private UpdateControl<Seedbox> reconcileOnce(Seedbox resource) {
    StatusRecorder.Snapshot<Seedbox, SeedboxStatus> snapshot = statusRecorder.snapshot(resource);
    boolean paused = Boolean.TRUE.equals(resource.getSpec().getPaused());
    if (pauseGate.apply(resource, snapshot.status(), paused) == PauseGate.Verdict.PAUSED) {
      return snapshot.result();
    }
    // ---- SEAM (next session): observe -> decide -> act -> record against the domain modules. ----
    return snapshot.result();
  }
}

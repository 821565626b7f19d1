package dev.seedbox.operator.byos;

import dev.seedbox.api.v1alpha1.ByosConnection;
import dev.seedbox.api.v1alpha1.ByosConnectionStatus;
import dev.seedbox.operator.metrics.OperatorMetrics;
import dev.seedbox.operator.reconcile.PauseGate;
import dev.seedbox.operator.reconcile.StatusRecorder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * Reconciles ByosConnections: observe, decide (a pure function), act (one idempotent step), record (status, audit, Event).
 *
 * <p>NEXT SESSION: only the shared pause handling is wired. The observe/act steps need the ledger, provisioning and
 * keys modules; they go where the marked seam is below.
 */
@ControllerConfiguration(name = ByosConnectionReconciler.NAME)
public class ByosConnectionReconciler implements Reconciler<ByosConnection> {

  public static final String NAME = "byosconnection";

  private final PauseGate pauseGate;
  private final OperatorMetrics metrics;
  private final StatusRecorder<ByosConnection, ByosConnectionStatus> statusRecorder = new StatusRecorder<>(ByosConnectionStatus::new);

  public ByosConnectionReconciler(PauseGate pauseGate, OperatorMetrics metrics) {
    this.pauseGate = pauseGate;
    this.metrics = metrics;
  }

  @Override
  public UpdateControl<ByosConnection> reconcile(ByosConnection resource, Context<ByosConnection> context) {
    return metrics.timeReconcile("ByosConnection", () -> reconcileOnce(resource));
  }

  private UpdateControl<ByosConnection> reconcileOnce(ByosConnection resource) {
    StatusRecorder.Snapshot<ByosConnection, ByosConnectionStatus> snapshot = statusRecorder.snapshot(resource);
    boolean paused = Boolean.TRUE.equals(resource.getSpec().getPaused());
    if (pauseGate.apply(resource, snapshot.status(), paused) == PauseGate.Verdict.PAUSED) {
      return snapshot.result();
    }
    // ---- SEAM (next session): observe -> decide -> act -> record against the domain modules. ----
    return snapshot.result();
  }
}

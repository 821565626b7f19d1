package dev.seedbox.operator.billing;

import dev.seedbox.api.v1alpha1.BillingAccount;
import dev.seedbox.api.v1alpha1.BillingAccountStatus;
import dev.seedbox.operator.metrics.OperatorMetrics;
import dev.seedbox.operator.reconcile.PauseGate;
import dev.seedbox.operator.reconcile.StatusRecorder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * Reconciles BillingAccounts: observe, decide (a pure function), act (one idempotent step), record (status, audit, Event).
 *
 * <p>NEXT SESSION: only the shared pause handling is wired. The observe/act steps need the ledger, provisioning and
 * keys modules; they go where the marked seam is below.
 */
@ControllerConfiguration(name = BillingAccountReconciler.NAME)
public class BillingAccountReconciler implements Reconciler<BillingAccount> {

  public static final String NAME = "billingaccount";

  private final PauseGate pauseGate;
  private final OperatorMetrics metrics;
  private final StatusRecorder<BillingAccount, BillingAccountStatus> statusRecorder = new StatusRecorder<>(BillingAccountStatus::new);

  public BillingAccountReconciler(PauseGate pauseGate, OperatorMetrics metrics) {
    this.pauseGate = pauseGate;
    this.metrics = metrics;
  }

  @Override
  public UpdateControl<BillingAccount> reconcile(BillingAccount resource, Context<BillingAccount> context) {
    return metrics.timeReconcile("BillingAccount", () -> reconcileOnce(resource));
  }

  private UpdateControl<BillingAccount> reconcileOnce(BillingAccount resource) {
    StatusRecorder.Snapshot<BillingAccount, BillingAccountStatus> snapshot = statusRecorder.snapshot(resource);
    boolean paused = Boolean.TRUE.equals(resource.getSpec().getPaused());
    if (pauseGate.apply(resource, snapshot.status(), paused) == PauseGate.Verdict.PAUSED) {
      return snapshot.result();
    }
    // ---- SEAM (next session): observe -> decide -> act -> record against the domain modules. ----
    return snapshot.result();
  }
}

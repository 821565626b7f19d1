package dev.seedbox.operator.billing;

import dev.seedbox.api.status.ConditionStatus;
import dev.seedbox.api.v1alpha1.AccountState;
import dev.seedbox.api.v1alpha1.BillingAccount;
import dev.seedbox.api.v1alpha1.BillingAccountSpec;
import dev.seedbox.api.v1alpha1.BillingAccountStatus;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.ledger.AccountSnapshot;
import dev.seedbox.ledger.AccountSpec;
import dev.seedbox.ledger.Ledger;
import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.ledger.SeedboxRecords;
import dev.seedbox.ledger.audit.AuditLog;
import dev.seedbox.operator.metrics.OperatorMetrics;
import dev.seedbox.operator.reconcile.EventRecorder;
import dev.seedbox.operator.reconcile.InvalidSpecGate;
import dev.seedbox.operator.reconcile.PauseGate;
import dev.seedbox.operator.reconcile.ReconcilePipeline;
import dev.seedbox.operator.reconcile.StatusRecorder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles BillingAccounts. The ledger is the truth: the reconciler opens the account (idempotent on the CR UID),
 * copies threshold, grace period, namespace and name into it, and projects balance, state, burn, runway and the last
 * top-up into the status. Its finalizer holds deletion while Seedboxes reference the account or credit remains; an
 * operator settles the credit with an audited ledger adjustment (refund or forfeit) that brings the balance to 0.
 */
@ControllerConfiguration(name = BillingAccountReconciler.NAME)
public class BillingAccountReconciler implements Reconciler<BillingAccount>, Cleaner<BillingAccount> {

  public static final String NAME = "billingaccount";
  public static final String ACTOR = "seedbox-operator/billingaccount";
  public static final String SUPPORTED_CURRENCY = AccountSpec.DEFAULT_CURRENCY;

  public static final String DELETION_BLOCKED = "DeletionBlocked";
  public static final String REASON_UNSUPPORTED_CURRENCY = "UnsupportedCurrency";
  public static final String REASON_SEEDBOXES_REMAIN = "SeedboxesRemain";
  public static final String REASON_CREDIT_REMAINS = "CreditRemains";
  public static final String REASON_ACTIVE = "Active";
  public static final String REASON_ACTIVE_AGAIN = "ActiveAgain";
  public static final String REASON_FUNDED = "Funded";

  private static final Logger LOG = LoggerFactory.getLogger(BillingAccountReconciler.class);

  private final PauseGate pauseGate;
  private final OperatorMetrics metrics;
  private final EventRecorder events;
  private final Ledger ledger;
  private final SeedboxRecords seedboxes;
  private final AuditLog audit;
  private final KubernetesClient client;
  private final Clock clock;
  private final Duration deletionRecheck;
  private final LedgerChangeHook ledgerChanges;
  private final ReconcilePipeline<BillingAccount, BillingAccountStatus> pipeline;

  public BillingAccountReconciler(PauseGate pauseGate, OperatorMetrics metrics, EventRecorder events, Ledger ledger,
      SeedboxRecords seedboxes, AuditLog audit, KubernetesClient client, Clock clock, Duration deletionRecheck,
      LedgerChangeHook ledgerChanges) {
    this.pauseGate = pauseGate;
    this.metrics = metrics;
    this.events = events;
    this.ledger = ledger;
    this.seedboxes = seedboxes;
    this.audit = audit;
    this.client = client;
    this.clock = clock;
    this.deletionRecheck = deletionRecheck;
    this.ledgerChanges = ledgerChanges;
    this.pipeline = new ReconcilePipeline<>("BillingAccount", metrics, pauseGate,
        new InvalidSpecGate(events, metrics, clock),
        new StatusRecorder<>(client, BillingAccountStatus::new), ba -> Boolean.TRUE.equals(ba.getSpec().getPaused()),
        false);
  }

  /** The hook for the ledger's LISTEN/NOTIFY event source ({@link LedgerChangeHook}). */
  @Override
  public List<EventSource<?, BillingAccount>> prepareEventSources(EventSourceContext<BillingAccount> context) {
    return ledgerChanges.eventSources(context);
  }

  @Override
  public UpdateControl<BillingAccount> reconcile(BillingAccount resource, Context<BillingAccount> context) {
    return pipeline.reconcile(resource, this::step);
  }

  /** Opens the ledger account (idempotent) and projects it, or says why it cannot. */
  private ReconcilePipeline.Outcome step(BillingAccount resource, BillingAccountStatus status) {
    Long generation = resource.getMetadata().getGeneration();
    String currency = currencyOf(resource.getSpec());
    if (!SUPPORTED_CURRENCY.equals(currency)) {
      String message = "spec.currency must be " + SUPPORTED_CURRENCY + " (the payment gateway settles in USD), found "
          + currency + "; no ledger account was opened";
      if (status.setCondition(BillingAccountStatus.READY, ConditionStatus.FALSE, REASON_UNSUPPORTED_CURRENCY, message,
          generation, clock.instant())) {
        LOG.warn("BillingAccount {}: {}", who(resource), message);
        events.warning(resource, REASON_UNSUPPORTED_CURRENCY, message);
      }
      return ReconcilePipeline.Outcome.idle();
    }
    AccountSnapshot account = ledger.openAccount(accountSpec(resource), ACTOR);
    project(resource, status, account);
    return ReconcilePipeline.Outcome.idle();
  }

  /** Copies the ledger's figures into the status and reports a change of standing with an Event. */
  private void project(BillingAccount resource, BillingAccountStatus status, AccountSnapshot account) {
    AccountState before = status.getState();
    BillingAccountStatusAggregator.aggregate(status, account, resource.getMetadata().getGeneration(),
        clock.instant());
    AccountState now = status.getState();
    String figures = BillingAccountStatusAggregator.figures(account);
    if (before == now || (before == null && now == AccountState.ACTIVE)) {
      return;
    }
    LOG.info("BillingAccount {}: state {} -> {} ({})", who(resource), before, now, figures);
    switch (now) {
      case ACTIVE -> activated(resource, before, figures);
      case LOW_BALANCE -> events.warning(resource, BillingAccountStatus.LOW_BALANCE,
          "balance below the threshold of " + account.lowBalanceThresholdCents() + " cents: " + figures);
      case SUSPENDED -> events.warning(resource, BillingAccountStatus.SUSPENDED,
          "credit ran out, seedboxes suspended: " + figures);
      default -> throw new IllegalStateException("unknown account state " + now);
    }
  }

  /**
   * Only an account that was suspended is "active again"; one that rises above its threshold (a new account's first
   * top-up among them) was funded, and telling its owner it is active again would suggest an outage that never was.
   */
  private void activated(BillingAccount resource, AccountState before, String figures) {
    if (before == AccountState.SUSPENDED) {
      events.normal(resource, REASON_ACTIVE_AGAIN, "account is active again: " + figures);
    } else {
      events.normal(resource, REASON_FUNDED, "balance is above the threshold: " + figures);
    }
  }

  @Override
  public DeleteControl cleanup(BillingAccount resource, Context<BillingAccount> context) {
    return pipeline.cleanup(resource, this::cleanupStep, deletionRecheck);
  }

  private ReconcilePipeline.Outcome cleanupStep(BillingAccount resource, BillingAccountStatus status) {
    String uid = resource.getMetadata().getUid();
    var account = ledger.account(uid);
    if (account.isEmpty()) {
      // never opened (unsupported currency, or deleted before the first reconcile): nothing holds it
      return ReconcilePipeline.Outcome.removeFinalizerNow();
    }
    project(resource, status, account.get());
    List<String> referencing = referencingSeedboxes(resource);
    long balance = account.get().balanceCents();
    if (!referencing.isEmpty()) {
      return block(resource, status, REASON_SEEDBOXES_REMAIN, referencing.size() + " seedbox(es) still reference "
          + "this account: " + String.join(", ", referencing) + "; delete them first",
          Map.of("seedboxes", referencing));
    }
    if (balance > 0) {
      return block(resource, status, REASON_CREDIT_REMAINS, balance + " cents of credit remain; record a refund or "
          + "forfeit as a ledger adjustment (Ledger.adjust) that brings the balance to 0",
          Map.of("balanceCents", balance));
    }
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("namespace", resource.getMetadata().getNamespace());
    detail.put("name", resource.getMetadata().getName());
    detail.put("balanceCents", balance);
    audit.append(ACTOR, "account.closed", "billingaccount:" + uid, detail);
    LOG.info("BillingAccount {}: no seedboxes and no credit left, finalizer removed", who(resource));
    events.normal(resource, "AccountClosed", "no seedboxes reference the account and its balance is 0: deleted");
    return ReconcilePipeline.Outcome.removeFinalizerNow();
  }

  private ReconcilePipeline.Outcome block(BillingAccount resource, BillingAccountStatus status, String reason,
      String message, Map<String, Object> why) {
    boolean newReason = status.findCondition(DELETION_BLOCKED)
        .map(c -> !reason.equals(c.getReason())).orElse(true);
    status.setCondition(DELETION_BLOCKED, ConditionStatus.TRUE, reason, message,
        resource.getMetadata().getGeneration(), clock.instant());
    if (newReason) {
      Map<String, Object> detail = new LinkedHashMap<>(why);
      detail.put("reason", reason);
      audit.append(ACTOR, "account.deletion-blocked", "billingaccount:" + resource.getMetadata().getUid(), detail);
      LOG.info("BillingAccount {}: deletion held ({}): {}", who(resource), reason, message);
      events.warning(resource, DELETION_BLOCKED, message);
    }
    return ReconcilePipeline.Outcome.after(deletionRecheck);
  }

  /** Seedboxes naming the account in the cluster, and those the ledger still bills for it. */
  private List<String> referencingSeedboxes(BillingAccount resource) {
    String namespace = resource.getMetadata().getNamespace();
    String name = resource.getMetadata().getName();
    TreeSet<String> names = new TreeSet<>();
    for (Seedbox seedbox : client.resources(Seedbox.class).inNamespace(namespace).list().getItems()) {
      String accountRef = seedbox.getSpec() != null ? seedbox.getSpec().getAccountRef()
          : seedbox.storedSpecText("accountRef").orElse(null);
      if (name.equals(accountRef)) {
        names.add(seedbox.getMetadata().getName());
      }
    }
    seedboxes.seedboxesOf(resource.getMetadata().getUid()).stream()
        .filter(r -> r.phase() != Phase.TERMINATED && r.phase() != Phase.FAILED)
        .forEach(r -> names.add(r.name()));
    return new ArrayList<>(names);
  }

  static AccountSpec accountSpec(BillingAccount resource) {
    BillingAccountSpec spec = resource.getSpec();
    long threshold = spec.getLowBalanceThresholdCents() == null ? 0 : spec.getLowBalanceThresholdCents();
    int grace = spec.getGracePeriodDays() == null ? AccountSpec.DEFAULT_GRACE_PERIOD_DAYS : spec.getGracePeriodDays();
    return new AccountSpec(resource.getMetadata().getUid(), resource.getMetadata().getNamespace(),
        resource.getMetadata().getName(), spec.getOwner(), currencyOf(spec), threshold, grace);
  }

  private static String currencyOf(BillingAccountSpec spec) {
    return Objects.requireNonNullElse(spec.getCurrency(), SUPPORTED_CURRENCY);
  }

  private static String who(BillingAccount resource) {
    return resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
  }
}

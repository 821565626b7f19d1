package dev.seedbox.operator.seedbox;

import dev.seedbox.api.lifecycle.Lifecycle;
import dev.seedbox.api.plan.PlanCatalog;
import dev.seedbox.api.v1alpha1.BillingAccount;
import dev.seedbox.api.v1alpha1.ByosConnection;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.api.v1alpha1.SeedboxStatus;
import dev.seedbox.ledger.LedgerModule;
import dev.seedbox.ledger.SeedboxRecord;
import dev.seedbox.operator.events.WakeEventSource;
import dev.seedbox.operator.ledgerevents.LedgerChangeEventSource;
import dev.seedbox.operator.ledgerevents.LedgerListener;
import dev.seedbox.operator.metrics.OperatorMetrics;
import dev.seedbox.operator.reconcile.EventRecorder;
import dev.seedbox.operator.reconcile.PauseGate;
import dev.seedbox.operator.reconcile.ReconcilePipeline;
import dev.seedbox.operator.reconcile.ReconcilePipeline.Outcome;
import dev.seedbox.operator.reconcile.StatusRecorder;
import dev.seedbox.provisioning.ProviderRegistry;
import dev.seedbox.provisioning.client.TorrentClientProfiles;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles Seedboxes (architecture §5) by orchestrating four parts: {@link SeedboxObserver} (reads), the pure
 * {@link SeedboxDecider}, {@link SeedboxActions} (one idempotent step per decision, transitions through the
 * {@code Lifecycle} guard) and {@link SeedboxStatusAggregator}; the shared {@link ReconcilePipeline} records the
 * status. The finalizer ({@link Cleaner}) holds deletion while the same loop walks the seedbox to Terminated.
 */
@ControllerConfiguration(name = SeedboxReconciler.NAME)
public class SeedboxReconciler implements Reconciler<Seedbox>, Cleaner<Seedbox> {

  public static final String NAME = "seedbox";
  public static final String ACTOR = "seedbox-operator";
  static final String ACCOUNT_INDEX = "seedbox.dev/account-ref";
  static final String BYOS_INDEX = "seedbox.dev/byos-ref";

  private static final Logger LOG = LoggerFactory.getLogger(SeedboxReconciler.class);

  private final LedgerListener ledgerListener;
  private final SeedboxTiming timing;
  private final ServerPolls serverPolls = new ServerPolls();
  private final PasswordHashes hashes;
  private final SeedboxObserver observer;
  private final SeedboxActions actions;
  private final ReconcilePipeline<Seedbox, SeedboxStatus> pipeline;
  private volatile IndexedResourceCache<Seedbox> seedboxCache;

  /** Everything the Seedbox controller talks to, wired by {@code OperatorWiring}. */
  public record Dependencies(PauseGate pauseGate, OperatorMetrics metrics, EventRecorder events, LedgerModule ledger,
      ProviderRegistry providers, TorrentClientProfiles clients, PlanCatalog plans, Lifecycle lifecycle, Clock clock,
      LedgerListener ledgerListener, SeedboxTiming timing, KubernetesClient client) {
  }

  public SeedboxReconciler(Dependencies d) {
    this.ledgerListener = d.ledgerListener();
    this.timing = d.timing();
    this.hashes = new PasswordHashes(Math.max(1, Runtime.getRuntime().availableProcessors()));
    ProviderCalls calls = new ProviderCalls(d.metrics());
    this.observer = new SeedboxObserver(d.ledger(), d.providers(), d.clients(), d.plans(), d.clock(), d.timing(),
        calls, serverPolls);
    this.actions = new SeedboxActions(new SeedboxActions.Dependencies(d.ledger(), d.providers(), d.clients(),
        new SeedboxTransitions(d.ledger(), d.lifecycle(), d.events(), d.metrics(), serverPolls), d.events(), calls,
        new WebUiSecret(d.client(), hashes), serverPolls, d.timing(), d.clock()));
    this.pipeline = new ReconcilePipeline<>("Seedbox", d.metrics(), d.pauseGate(),
        new StatusRecorder<>(d.client(), SeedboxStatus::new), sb -> Boolean.TRUE.equals(sb.getSpec().getPaused()),
        true);
  }

  // ---- event sources ------------------------------------------------------------------------------------------

  @Override
  public List<EventSource<?, Seedbox>> prepareEventSources(EventSourceContext<Seedbox> context) {
    context.getPrimaryCache().addIndexers(Map.of(
        ACCOUNT_INDEX, sb -> List.of(key(sb.getMetadata().getNamespace(), sb.getSpec().getAccountRef())),
        BYOS_INDEX, sb -> sb.getSpec().getByosConnectionRef() == null ? List.of()
            : List.of(key(sb.getMetadata().getNamespace(), sb.getSpec().getByosConnectionRef())),
        LedgerChangeEventSource.UID_INDEX, LedgerChangeEventSource::uidKey));
    IndexedResourceCache<Seedbox> cache = context.getPrimaryCache();
    seedboxCache = cache;

    InformerEventSource<BillingAccount, Seedbox> accountSource = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(BillingAccount.class, Seedbox.class)
            .withName("seedbox-billing-accounts")
            .withNamespacesInheritedFromController()
            // A Seedbox reads its account's balance and state from the ledger (LISTEN/NOTIFY wakes it on every
            // ledger change), not from the BillingAccount's status; without this filter each status patch (one per
            // charge) would wake every Seedbox of the account a second time, each polling its provider.
            .withOnUpdateFilter(SeedboxReconciler::accountChangeMatters)
            .withSecondaryToPrimaryMapper(ba -> ids(cache.byIndex(ACCOUNT_INDEX, key(ba))))
            .build(), context);
    accountSource.addIndexer(LedgerChangeEventSource.UID_INDEX, LedgerChangeEventSource::uidKey);

    InformerEventSource<ByosConnection, Seedbox> byosSource = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(ByosConnection.class, Seedbox.class)
            .withName("seedbox-byos-connections")
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(c -> ids(cache.byIndex(BYOS_INDEX, key(c))))
            .build(), context);
    observer.readFrom(accountSource, byosSource);

    LedgerChangeEventSource<Seedbox> ledgerChanges = LedgerChangeEventSource.forReferencingResources(ledgerListener,
        accountSource, (BillingAccount ba) -> cache.byIndex(ACCOUNT_INDEX, key(ba)));
    WakeEventSource<Seedbox> hashesReady = new WakeEventSource<>("webui-password-hashes",
        uid -> ids(cache.byIndex(LedgerChangeEventSource.UID_INDEX, uid)));
    hashes.onReady(hashesReady::wake);
    return List.of(accountSource, byosSource, ledgerChanges, hashesReady);
  }

  /** A BillingAccount update a Seedbox acts on: its spec (generation) or its deletion, not a status projection. */
  static boolean accountChangeMatters(BillingAccount updated, BillingAccount previous) {
    return !Objects.equals(updated.getMetadata().getGeneration(), previous.getMetadata().getGeneration())
        || !Objects.equals(updated.getMetadata().getDeletionTimestamp(),
            previous.getMetadata().getDeletionTimestamp());
  }

  /** Whether the Seedbox informer holds a Seedbox with this UID (the orphan sweep's first check). */
  public boolean cachedSeedboxWithUid(String uid) {
    IndexedResourceCache<Seedbox> cache = seedboxCache;
    return cache != null && !cache.byIndex(LedgerChangeEventSource.UID_INDEX, uid).isEmpty();
  }

  /** Whether the informer caches are set up (the controller has started). */
  public boolean started() {
    return seedboxCache != null;
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  private static String key(HasMetadata resource) {
    return key(resource.getMetadata().getNamespace(), resource.getMetadata().getName());
  }

  private static Set<ResourceID> ids(List<Seedbox> seedboxes) {
    return seedboxes.stream().map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  // ---- reconcile and cleanup: observe, decide, act; the pipeline records the status

  @Override
  public UpdateControl<Seedbox> reconcile(Seedbox cached, Context<Seedbox> context) {
    return pipeline.reconcile(cached, (seedbox, status) -> pass(seedbox, status, false));
  }

  @Override
  public DeleteControl cleanup(Seedbox cached, Context<Seedbox> context) {
    return pipeline.cleanup(cached, (seedbox, status) -> {
      Outcome outcome = pass(seedbox, status, true);
      if (outcome.removeFinalizer()) {
        serverPolls.forget(seedbox.getMetadata().getUid());
        hashes.forget(seedbox.getMetadata().getUid());
        LOG.info("Seedbox {}: finalizer removed", key(seedbox));
      }
      return outcome;
    }, timing.serverPoll());
  }

  private Outcome pass(Seedbox seedbox, SeedboxStatus status, boolean deleting) {
    SeedboxPass pass = observer.observe(seedbox, status, deleting);
    status.setPhase(pass.phase);
    if (SeedboxDecider.operatorHoldToRecord(pass.observation)) {
      actions.recordOperatorHold(pass);
    }
    SeedboxDecision decision = SeedboxDecider.decide(pass.observation);
    LOG.debug("Seedbox {} in {}: {}", pass.who, pass.phase, decision);
    Outcome outcome = actions.act(pass, decision);
    pass.row.ifPresent(r -> status.setPaidThrough(r.paidThrough() == null ? null : r.paidThrough().toString()));
    return outcome;
  }
}

package dev.seedbox.operator.seedbox;

import dev.seedbox.api.lifecycle.Lifecycle;
import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.lifecycle.Transition;
import dev.seedbox.api.plan.Plan;
import dev.seedbox.api.plan.PlanCatalog;
import dev.seedbox.api.plan.ProviderOffer;
import dev.seedbox.api.status.ConditionStatus;
import dev.seedbox.api.v1alpha1.AccountState;
import dev.seedbox.api.v1alpha1.BillingAccount;
import dev.seedbox.api.v1alpha1.ByosConnection;
import dev.seedbox.api.v1alpha1.ByosPhase;
import dev.seedbox.api.v1alpha1.Endpoint;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.api.v1alpha1.SeedboxSpec;
import dev.seedbox.api.v1alpha1.SeedboxStatus;
import dev.seedbox.api.v1alpha1.TorrentClient;
import dev.seedbox.ledger.AccountSnapshot;
import dev.seedbox.ledger.InsufficientCreditException;
import dev.seedbox.ledger.LedgerModule;
import dev.seedbox.ledger.SeedboxOrder;
import dev.seedbox.ledger.SeedboxRecord;
import dev.seedbox.operator.events.WakeEventSource;
import dev.seedbox.operator.ledgerevents.LedgerChangeEventSource;
import dev.seedbox.operator.ledgerevents.LedgerListener;
import dev.seedbox.operator.metrics.OperatorMetrics;
import dev.seedbox.operator.reconcile.EventRecorder;
import dev.seedbox.operator.reconcile.PauseGate;
import dev.seedbox.operator.reconcile.StatusPatch;
import dev.seedbox.operator.reconcile.StatusRecorder;
import dev.seedbox.operator.seedbox.SeedboxDecider.Reasons;
import dev.seedbox.operator.seedbox.SeedboxDecision.AwaitServer;
import dev.seedbox.operator.seedbox.SeedboxDecision.CancelPending;
import dev.seedbox.operator.seedbox.SeedboxDecision.CreateServer;
import dev.seedbox.operator.seedbox.SeedboxDecision.FailProvisioning;
import dev.seedbox.operator.seedbox.SeedboxDecision.FinishTermination;
import dev.seedbox.operator.seedbox.SeedboxDecision.InSync;
import dev.seedbox.operator.seedbox.SeedboxDecision.MarkActive;
import dev.seedbox.operator.seedbox.SeedboxDecision.RejectSpec;
import dev.seedbox.operator.seedbox.SeedboxDecision.ReleaseServer;
import dev.seedbox.operator.seedbox.SeedboxDecision.RemoveFinalizer;
import dev.seedbox.operator.seedbox.SeedboxDecision.Report;
import dev.seedbox.operator.seedbox.SeedboxDecision.Resume;
import dev.seedbox.operator.seedbox.SeedboxDecision.RetryLater;
import dev.seedbox.operator.seedbox.SeedboxDecision.RotateCredentials;
import dev.seedbox.operator.seedbox.SeedboxDecision.StartProvisioning;
import dev.seedbox.operator.seedbox.SeedboxDecision.Suspend;
import dev.seedbox.operator.seedbox.SeedboxDecision.Terminate;
import dev.seedbox.operator.seedbox.SeedboxDecision.Wait;
import dev.seedbox.operator.seedbox.SeedboxObservation.Account;
import dev.seedbox.operator.seedbox.SeedboxObservation.Byos;
import dev.seedbox.operator.seedbox.SeedboxObservation.Credentials;
import dev.seedbox.operator.seedbox.SeedboxObservation.Order;
import dev.seedbox.operator.seedbox.SeedboxObservation.ProviderFailure;
import dev.seedbox.operator.seedbox.SeedboxObservation.Row;
import dev.seedbox.operator.seedbox.SeedboxObservation.Server;
import dev.seedbox.provisioning.CreateRequest;
import dev.seedbox.provisioning.CreatedServer;
import dev.seedbox.provisioning.ProviderException;
import dev.seedbox.provisioning.ProviderRegistry;
import dev.seedbox.provisioning.ProvisioningProvider;
import dev.seedbox.provisioning.ServerInfo;
import dev.seedbox.provisioning.ServerRef;
import dev.seedbox.provisioning.ServerState;
import dev.seedbox.provisioning.cloudinit.QbittorrentCloudInit;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
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
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles Seedboxes (DESIGN §5): observe (the CR, the plan catalog, the BillingAccount and its ledger account,
 * the {@code seedbox_resources} row, the provider), decide ({@link SeedboxDecider}, pure), act (one idempotent
 * step), record (status with conditions Ready/Paid/Provisioned, an audit event, a Kubernetes Event and the row's
 * phase for every transition, each passed through the {@link Lifecycle} guard first).
 *
 * <p>The finalizer ({@link Cleaner}) holds deletion while the same loop walks the seedbox to Terminated.
 */
@ControllerConfiguration(name = SeedboxReconciler.NAME)
public class SeedboxReconciler implements Reconciler<Seedbox>, Cleaner<Seedbox> {

  public static final String NAME = "seedbox";
  public static final String ACTOR = "seedbox-operator";
  static final String ACCOUNT_INDEX = "seedbox.dev/account-ref";
  static final String BYOS_INDEX = "seedbox.dev/byos-ref";

  private static final Logger LOG = LoggerFactory.getLogger(SeedboxReconciler.class);
  private static final Set<Phase> BILLABLE = Set.of(Phase.PROVISIONING, Phase.ACTIVE, Phase.SUSPENDED);

  private final PauseGate pauseGate;
  private final OperatorMetrics metrics;
  private final EventRecorder events;
  private final LedgerModule ledger;
  private final ProviderRegistry providers;
  private final PlanCatalog plans;
  private final Lifecycle lifecycle;
  private final Clock clock;
  private final LedgerListener ledgerListener;
  private final SeedboxTiming timing;
  private final KubernetesClient client;
  private final ProviderCalls calls;
  private final WebUiSecret webUi;
  private final StatusRecorder<Seedbox, SeedboxStatus> statusRecorder = new StatusRecorder<>(SeedboxStatus::new);

  private final Map<String, Seedbox> lastWritten = new java.util.concurrent.ConcurrentHashMap<>();
  private final ServerPolls serverPolls = new ServerPolls();
  private final PasswordHashes hashes;
  private volatile IndexedResourceCache<Seedbox> seedboxCache;
  private volatile InformerEventSource<BillingAccount, Seedbox> accounts;
  private volatile InformerEventSource<ByosConnection, Seedbox> byosConnections;

  /** Everything the Seedbox controller talks to, wired by {@code OperatorWiring}. */
  public record Dependencies(PauseGate pauseGate, OperatorMetrics metrics, EventRecorder events, LedgerModule ledger,
      ProviderRegistry providers, PlanCatalog plans, Lifecycle lifecycle, Clock clock, LedgerListener ledgerListener,
      SeedboxTiming timing, KubernetesClient client) {
  }

  public SeedboxReconciler(Dependencies d) {
    this.pauseGate = d.pauseGate();
    this.metrics = d.metrics();
    this.events = d.events();
    this.ledger = d.ledger();
    this.providers = d.providers();
    this.plans = d.plans();
    this.lifecycle = d.lifecycle();
    this.clock = d.clock();
    this.ledgerListener = d.ledgerListener();
    this.timing = d.timing();
    this.client = d.client();
    this.calls = new ProviderCalls(d.metrics());
    this.hashes = new PasswordHashes(Math.max(1, Runtime.getRuntime().availableProcessors()));
    this.webUi = new WebUiSecret(d.client(), hashes);
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
    accounts = accountSource;

    InformerEventSource<ByosConnection, Seedbox> byosSource = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(ByosConnection.class, Seedbox.class)
            .withName("seedbox-byos-connections")
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(c -> ids(cache.byIndex(BYOS_INDEX, key(c))))
            .build(), context);
    byosConnections = byosSource;

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

  // ---- reconcile and cleanup ----------------------------------------------------------------------------------

  /** What one pass ended with: when to look again, and whether the finalizer may go. */
  private record Step(Duration recheck, boolean removeFinalizer) {
    static Step after(Duration recheck) {
      return new Step(recheck, false);
    }

    static Step idle() {
      return new Step(null, false);
    }
  }

  @Override
  public UpdateControl<Seedbox> reconcile(Seedbox cached, Context<Seedbox> context) {
    Seedbox resource = freshest(cached);
    return metrics.timeReconcile("Seedbox", () -> {
      StatusRecorder.Snapshot<Seedbox, SeedboxStatus> snapshot = statusRecorder.snapshot(resource);
      if (pauseGate.apply(resource, snapshot.status(), paused(resource)) == PauseGate.Verdict.PAUSED) {
        patchStatus(resource, snapshot);
        return UpdateControl.noUpdate();
      }
      Step step = new Pass(resource, snapshot.status(), false).run();
      snapshot.status().setObservedGeneration(resource.getMetadata().getGeneration());
      patchStatus(resource, snapshot);
      UpdateControl<Seedbox> control = UpdateControl.noUpdate();
      return step.recheck() == null ? control : control.rescheduleAfter(Math.max(1, step.recheck().toMillis()));
    });
  }

  @Override
  public DeleteControl cleanup(Seedbox cached, Context<Seedbox> context) {
    Seedbox resource = freshest(cached);
    return metrics.timeReconcile("Seedbox", () -> {
      StatusRecorder.Snapshot<Seedbox, SeedboxStatus> snapshot = statusRecorder.snapshot(resource);
      if (pauseGate.apply(resource, snapshot.status(), paused(resource)) == PauseGate.Verdict.PAUSED) {
        patchStatus(resource, snapshot);
        return DeleteControl.noFinalizerRemoval();
      }
      Step step = new Pass(resource, snapshot.status(), true).run();
      if (step.removeFinalizer()) {
        lastWritten.remove(resource.getMetadata().getUid());
        serverPolls.forget(resource.getMetadata().getUid());
        hashes.forget(resource.getMetadata().getUid());
        LOG.info("Seedbox {}: finalizer removed", key(resource));
        return DeleteControl.defaultDelete();
      }
      snapshot.status().setObservedGeneration(resource.getMetadata().getGeneration());
      patchStatus(resource, snapshot);
      Duration recheck = step.recheck() == null ? timing.serverPoll() : step.recheck();
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(Math.max(1, recheck.toMillis()));
    });
  }

  private static boolean paused(Seedbox resource) {
    return Boolean.TRUE.equals(resource.getSpec().getPaused());
  }

  /**
   * Writes the whole status through {@link StatusPatch} (JOSDK's own status patch fails on a resource stored without
   * a status; in cleanup JOSDK patches no status at all). The answer is kept until the informer has caught up with
   * it (see {@link #freshest}).
   */
  private void patchStatus(Seedbox resource, StatusRecorder.Snapshot<Seedbox, SeedboxStatus> snapshot) {
    if (!snapshot.changed()) {
      return;
    }
    Seedbox written = StatusPatch.write(client, resource);
    if (written != null && written.getMetadata().getUid() != null) {
      lastWritten.put(written.getMetadata().getUid(), written);
    }
  }

  /**
   * The resource to reconcile: the informer's copy, unless our own last status write is newer than it. Without
   * this, a pass that starts right after a write (a NOTIFY, a reschedule) would rebuild the status from the copy
   * from before the write and undo it.
   */
  private Seedbox freshest(Seedbox cached) {
    String uid = cached.getMetadata().getUid();
    Seedbox written = lastWritten.get(uid);
    if (written == null) {
      return cached;
    }
    try {
      long cachedVersion = Long.parseLong(cached.getMetadata().getResourceVersion());
      long writtenVersion = Long.parseLong(written.getMetadata().getResourceVersion());
      if (writtenVersion > cachedVersion) {
        return Serialization.clone(written);
      }
    } catch (NumberFormatException e) {
      // resource versions are opaque in principle; then the informer's copy is all we can go by
    }
    lastWritten.remove(uid, written);
    return cached;
  }

  // ---- one pass: observe, decide, act, record ------------------------------------------------------------------

  private final class Pass {
    private final Seedbox seedbox;
    private final SeedboxStatus status;
    private final boolean deleting;
    private final String uid;
    private final String who;
    private final SeedboxSpec spec;
    private Optional<SeedboxRecord> row;
    private Phase phase;
    private Plan plan;
    private BillingAccount account;
    /** How old the reused server observation is; zero when the provider was asked in this pass. */
    private Duration serverAge = Duration.ZERO;

    Pass(Seedbox seedbox, SeedboxStatus status, boolean deleting) {
      this.seedbox = seedbox;
      this.status = status;
      this.deleting = deleting;
      this.uid = seedbox.getMetadata().getUid();
      this.who = key(seedbox);
      this.spec = seedbox.getSpec();
    }

    Step run() {
      row = ledger.seedboxes().seedbox(uid);
      phase = row.map(SeedboxRecord::phase).orElse(status.getPhase() == null ? Phase.PENDING : status.getPhase());
      status.setPhase(phase);
      plan = plans.find(spec.getPlan()).orElse(null);
      account = accounts == null ? null
          : accounts.get(new ResourceID(spec.getAccountRef(), seedbox.getMetadata().getNamespace())).orElse(null);
      syncOperatorHold();

      SeedboxObservation observation = new SeedboxObservation(phase, deleting, order(), observeAccount(), observeRow(),
          observeServer(), new Credentials(longOf(spec.getCredentialsRotation()),
              longOf(status.getObservedCredentialsRotation())), clock.instant());
      SeedboxDecision decision = SeedboxDecider.decide(observation);
      if (decision instanceof StartProvisioning) {
        decision = refuseWhatWeCannotServe().orElse(decision);
      }
      LOG.debug("Seedbox {} in {}: {}", who, phase, decision);
      Step step = act(decision);
      row.ifPresent(r -> status.setPaidThrough(r.paidThrough() == null ? null : r.paidThrough().toString()));
      return step;
    }

    // ---- observe

    private Order order() {
      return new Order(spec.getPlan(), plan, spec.getProvider(), spec.getRegion(), spec.getByosConnectionRef(),
          byos(), Boolean.TRUE.equals(spec.getSuspend()), spec.getSuspendReason());
    }

    private Byos byos() {
      if (spec.getByosConnectionRef() == null) {
        return Byos.NOT_REFERENCED;
      }
      ByosConnection connection = byosConnections == null ? null : byosConnections.get(
          new ResourceID(spec.getByosConnectionRef(), seedbox.getMetadata().getNamespace())).orElse(null);
      if (connection == null) {
        return Byos.MISSING;
      }
      return connection.getStatus() != null && connection.getStatus().getPhase() == ByosPhase.CONNECTED
          ? Byos.CONNECTED : Byos.NOT_CONNECTED;
    }

    private Account observeAccount() {
      if (account == null) {
        return Account.missing();
      }
      Optional<AccountSnapshot> snapshot = ledger.ledger().account(account.getMetadata().getUid());
      return snapshot.map(s -> new Account(true, true, AccountState.valueOf(s.state().name()), s.balanceCents()))
          .orElseGet(Account::notOpened);
    }

    private Row observeRow() {
      return row.map(r -> new Row(true, r.billingHold(), r.terminateAt(), r.providerRef())).orElseGet(Row::none);
    }

    private Server observeServer() {
      if (row.isEmpty() || row.get().providerRef() == null || !(BILLABLE.contains(phase)
          || phase == Phase.TERMINATING)) {
        return new Server.NotCreated();
      }
      // a spec edit (the user asking us to look) or a deletion always asks the provider
      boolean specSeen = Objects.equals(seedbox.getMetadata().getGeneration(), status.getObservedGeneration());
      Optional<ServerPolls.Seen> seen = deleting || !specSeen ? Optional.empty()
          : serverPolls.recent(uid, phase, timing.serverPoll());
      if (seen.isPresent()) {
        serverAge = seen.get().age();
        return seen.get().server();
      }
      Server server = pollServer();
      serverPolls.record(uid, phase, server);
      return server;
    }

    private Server pollServer() {
      ServerRef ref = ServerRef.parse(row.get().providerRef());
      Optional<ProvisioningProvider> provider = providers.find(ref.provider());
      if (provider.isEmpty()) {
        return new Server.Unreachable(new ProviderFailure(false, null, "provider " + ref.provider()
            + " is not enabled in this operator (SEEDBOX_PROVIDERS)"));
      }
      try {
        Optional<ServerInfo> info = calls.call(provider.get(), "status", p -> p.status(ref));
        if (info.isEmpty()) {
          return new Server.Vanished();
        }
        return switch (info.get().state()) {
          case RUNNING -> info.get().address()
              .<Server>map(ip -> new Server.Running(ip, "http://" + ip + ":" + QbittorrentCloudInit.DEFAULT_WEB_UI_PORT))
              .orElseGet(Server.Creating::new);
          case OFF, ARCHIVED -> new Server.Stopped();
          case DELETING -> new Server.Vanished();
          default -> new Server.Creating();
        };
      } catch (ProviderException e) {
        return new Server.Unreachable(withBackoff(ProviderCalls.failure(e)));
      }
    }

    /** spec.suspend is recorded on the row, where billing reads it: an operator hold is still billed. */
    private void syncOperatorHold() {
      if (row.isEmpty() || !BILLABLE.contains(phase)) {
        return;
      }
      boolean requested = Boolean.TRUE.equals(spec.getSuspend());
      SeedboxRecord r = row.get();
      if (r.operatorHold() != requested) {
        String reason = spec.getSuspendReason() == null ? "spec.suspend is true" : spec.getSuspendReason();
        ledger.seedboxes().setOperatorHold(uid, requested, reason, ACTOR);
      }
    }

    /** What the decider cannot know: whether the provider is enabled here and the client installable. */
    private Optional<SeedboxDecision> refuseWhatWeCannotServe() {
      if (providers.find(spec.getProvider()).isEmpty()) {
        return Optional.of(new RejectSpec(Reasons.PROVIDER_NOT_ENABLED, "provider " + spec.getProvider()
            + " is not enabled in this operator; enabled: " + providers.enabled()));
      }
      if (spec.getClient() != null && spec.getClient() != TorrentClient.QBITTORRENT) {
        return Optional.of(new RejectSpec("ClientNotAvailable", "only qbittorrent can be installed so far, found "
            + spec.getClient()));
      }
      return Optional.empty();
    }

    private ProviderFailure withBackoff(ProviderFailure failure) {
      return failure.retryable() && failure.retryAfter() == null
          ? new ProviderFailure(true, timing.retryBackoff(), failure.message()) : failure;
    }

    // ---- act and record

    private Step act(SeedboxDecision decision) {
      try {
        return actOn(decision);
      } catch (ProviderException e) {
        ProviderFailure failure = withBackoff(ProviderCalls.failure(e));
        LOG.info("Seedbox {}: provider call failed ({}): {}", who, failure.retryable() ? "retryable" : "permanent",
            failure.message());
        return actOn(SeedboxDecider.onProviderFailure(phase, failure));
      }
    }

    private Step actOn(SeedboxDecision decision) {
      if (decision instanceof Wait wait) {
        notice(wait.reason(), wait.message(), false);
        conditions(wait.reason(), wait.message());
        return Step.after(timing.capWait(wait.recheck()));
      }
      if (decision instanceof RejectSpec reject) {
        notice(reject.reason(), reject.message(), true);
        conditions(reject.reason(), reject.message());
        return Step.after(timing.waitRecheck());
      }
      if (decision instanceof StartProvisioning start) {
        return startProvisioning(start);
      }
      if (decision instanceof CreateServer) {
        return createServer();
      }
      if (decision instanceof AwaitServer await) {
        conditions(null, null);
        // an early wake that reused the last poll keeps the poll on its schedule instead of pushing it back
        Duration wait = timing.capPoll(await.recheck()).minus(serverAge);
        return Step.after(wait.isNegative() ? Duration.ZERO : wait);
      }
      if (decision instanceof MarkActive active) {
        return markActive(active);
      }
      if (decision instanceof Suspend suspend) {
        Transition t = guard(Phase.SUSPENDED, suspend.reason());
        ServerRef ref = serverRef();
        calls.run(provider(ref), "suspend", p -> p.suspend(ref));
        record(t, suspend.message(), EventRecorder.Type.NORMAL);
        conditions(suspend.reason(), suspend.message());
        return Step.idle();
      }
      if (decision instanceof Resume) {
        Transition t = guard(Phase.ACTIVE, "HoldsLifted");
        ServerRef ref = serverRef();
        calls.run(provider(ref), "resume", p -> p.resume(ref));
        record(t, "billing and operator holds are lifted; the server is powered on", EventRecorder.Type.NORMAL);
        conditions(null, null);
        return Step.after(timing.nextStep());
      }
      if (decision instanceof Terminate terminate) {
        Transition t = guard(Phase.TERMINATING, terminate.reason());
        record(t, terminate.message(), EventRecorder.Type.NORMAL);
        conditions(terminate.reason(), terminate.message());
        return Step.after(timing.nextStep());
      }
      if (decision instanceof FailProvisioning fail) {
        Transition t = guard(Phase.FAILED, fail.reason());
        if (row.isPresent()) {
          ledger.ledger().refundCharge(uid, 0, "provisioning failed: " + fail.message(), ACTOR);
        }
        record(t, fail.message(), EventRecorder.Type.WARNING);
        conditions(fail.reason(), fail.message());
        return deleting ? Step.after(timing.nextStep()) : Step.idle();
      }
      if (decision instanceof CancelPending) {
        Transition t = guard(Phase.TERMINATED, "Cancelled");
        record(t, "deleted before anything was created or charged", EventRecorder.Type.NORMAL);
        conditions("Cancelled", "deleted before anything was created or charged");
        return Step.after(timing.nextStep());
      }
      if (decision instanceof ReleaseServer) {
        return releaseServer();
      }
      if (decision instanceof FinishTermination) {
        if (row.isPresent() && row.get().providerRef() == null && spec.getProvider() != null) {
          // a create whose answer was lost may have left a server carrying our UID
          providers.find(spec.getProvider()).ifPresent(p -> calls.call(p, "terminateBySeedboxUid",
              q -> q.terminateBySeedboxUid(uid)));
        }
        Transition t = guard(Phase.TERMINATED, "ServerReleased");
        record(t, "the server is gone", EventRecorder.Type.NORMAL);
        conditions("Terminated", "the seedbox is terminated");
        return deleting ? Step.after(timing.nextStep()) : Step.idle();
      }
      if (decision instanceof RemoveFinalizer) {
        return new Step(null, true);
      }
      if (decision instanceof RotateCredentials rotate) {
        return rotateCredentials(rotate.rotation());
      }
      if (decision instanceof RetryLater retry) {
        notice(Reasons.PROVIDER_ERROR, retry.message(), true);
        conditions(Reasons.PROVIDER_ERROR, "retrying in " + retry.after() + ": " + retry.message());
        return Step.after(retry.after());
      }
      if (decision instanceof Report report) {
        notice(report.reason(), report.message(), true);
        conditions(report.reason(), report.message());
        return Step.after(timing.capWait(report.recheck()));
      }
      if (decision instanceof InSync) {
        conditions(null, null);
        return Step.idle();
      }
      throw new IllegalStateException("unhandled decision " + decision);
    }

    private Step startProvisioning(StartProvisioning start) {
      Transition t = guard(Phase.PROVISIONING, "FirstPeriodCharged");
      try {
        ledger.ledger().startProvisioning(new SeedboxOrder(uid, account.getMetadata().getUid(),
            seedbox.getMetadata().getNamespace(), seedbox.getMetadata().getName(), spec.getPlan(),
            start.firstPeriodCents(), Phase.PROVISIONING), ACTOR);
      } catch (InsufficientCreditException e) {
        // the balance moved between observing and charging: wait like any unpaid order
        notice(Reasons.AWAITING_PAYMENT, e.getMessage(), false);
        conditions(Reasons.AWAITING_PAYMENT, e.getMessage());
        return Step.after(timing.waitRecheck());
      }
      row = ledger.seedboxes().seedbox(uid);
      record(t, "charged the first period (" + start.firstPeriodCents() + " cents); creating the server",
          EventRecorder.Type.NORMAL);
      conditions(null, null);
      return Step.after(timing.nextStep());
    }

    private Step createServer() {
      ProvisioningProvider provider = providers.get(spec.getProvider());
      ProviderOffer offer = plan.offer(spec.getProvider(), spec.getRegion()).orElseThrow(() ->
          new IllegalStateException("plan " + spec.getPlan() + " lost its offer for " + spec.getProvider()));
      Optional<Secret> ready = webUi.ensure(seedbox, longOf(spec.getCredentialsRotation()));
      if (ready.isEmpty()) {
        // its password's hash is being computed off the reconcile pool; the hashing thread wakes this Seedbox, the
        // recheck is only a safety net
        conditions(null, null);
        return Step.after(timing.waitRecheck());
      }
      Secret secret = ready.get();
      // the hash stored beside the password: every attempt (a retry after a 429, a restart) sends the same user data
      String userData = QbittorrentCloudInit.withDefaultPorts(WebUiSecret.username(secret),
          WebUiSecret.passwordHash(secret)).render();
      CreatedServer created = calls.call(provider, "create", p -> p.create(
          new CreateRequest(uid, offer.size(), spec.getRegion(), spec.getClient(), userData,
              plan.volumeGb(spec.getProvider()))));
      ledger.seedboxes().recordProviderRef(uid, created.ref().toString(), ACTOR);
      if (created.server().state() == ServerState.PROVISIONING) {
        // the create's answer is the first observation: a wake during the boot wait need not poll before it ends
        serverPolls.record(uid, Phase.PROVISIONING, new Server.Creating());
      }
      status.setProviderRef(created.ref().toString());
      status.setCredentialsSecretRef(WebUiSecret.name(seedbox));
      // the rotation the server's credentials answer, kept in the status so markActive need not read the Secret again
      status.setObservedCredentialsRotation(Math.max(longOf(spec.getCredentialsRotation()),
          WebUiSecret.rotationOf(secret)));
      String message = (created.adopted() ? "adopted server " : "created server ") + created.ref();
      events.normal(seedbox, created.adopted() ? "ServerAdopted" : "ServerCreated", message);
      LOG.info("Seedbox {}: {}", who, message);
      status.setMessage(message);
      conditions(null, null);
      return Step.after(timing.capPoll(SeedboxDecider.SERVER_POLL));
    }

    private Step markActive(MarkActive active) {
      Transition t = guard(Phase.ACTIVE, "ServerRunning");
      status.setEndpoint(new Endpoint(active.address(), active.webUiUrl()));
      status.setCredentialsSecretRef(WebUiSecret.name(seedbox));
      status.setProviderRef(row.map(SeedboxRecord::providerRef).orElse(status.getProviderRef()));
      // createServer recorded the Secret's rotation; a server created by an older operator has none recorded, and
      // then the requested rotation is the one its (fresh) credentials answer, as before
      status.setObservedCredentialsRotation(Math.max(longOf(spec.getCredentialsRotation()),
          longOf(status.getObservedCredentialsRotation())));
      record(t, "the server runs; web UI at " + active.webUiUrl(), EventRecorder.Type.NORMAL);
      // the poll that found it running counts for Active too: the next sibling's charge need not ask again
      serverPolls.record(uid, Phase.ACTIVE, new Server.Running(active.address(), active.webUiUrl()));
      conditions(null, null);
      return Step.idle();
    }

    private Step releaseServer() {
      if (row.isPresent() && row.get().providerRef() != null) {
        ServerRef ref = serverRef();
        calls.run(provider(ref), "terminate", p -> p.terminate(ref));
        ledger.audit().append(ACTOR, "seedbox.server-released", "seedbox:" + uid, Map.of(
            "namespace", seedbox.getMetadata().getNamespace(), "name", seedbox.getMetadata().getName(),
            "providerRef", ref.toString()));
        events.normal(seedbox, "ServerReleased", "deleted server " + ref + " at the provider");
      }
      conditions(null, null);
      return Step.after(timing.nextStep());
    }

    private Step rotateCredentials(long rotation) {
      Secret secret = webUi.get(seedbox);
      if (secret != null && WebUiSecret.rotationOf(secret) >= rotation) {
        // rotated already (the status write after it was lost): record it, do not rotate twice
        status.setObservedCredentialsRotation(rotation);
        conditions(null, null);
        return Step.idle();
      }
      ServerRef ref = serverRef();
      dev.seedbox.provisioning.Credentials credentials = calls.call(provider(ref), "rotateCredentials",
          p -> p.rotateCredentials(ref));
      webUi.replace(seedbox, credentials, rotation);
      status.setObservedCredentialsRotation(rotation);
      ledger.audit().append(ACTOR, "seedbox.credentials-rotated", "seedbox:" + uid, Map.of(
          "namespace", seedbox.getMetadata().getNamespace(), "name", seedbox.getMetadata().getName(),
          "rotation", rotation, "appliedOnServer", credentials.appliedOnServer()));
      String message = "web UI credentials rotated for credentialsRotation " + rotation + " (Secret "
          + WebUiSecret.name(seedbox) + ")";
      events.normal(seedbox, "CredentialsRotated", message);
      LOG.info("Seedbox {}: {}", who, message);
      status.setMessage(message);
      conditions(null, null);
      return Step.idle();
    }

    private ServerRef serverRef() {
      String ref = row.map(SeedboxRecord::providerRef).orElseThrow(() -> new IllegalStateException(
          "Seedbox " + who + " has no provider reference in phase " + phase));
      return ServerRef.parse(ref);
    }

    private ProvisioningProvider provider(ServerRef ref) {
      return providers.get(ref.provider());
    }

    /** The guard first: an invalid transition throws before anything is written. */
    private Transition guard(Phase to, String reason) {
      return lifecycle.transition(phase, to, reason);
    }

    /** Records an accepted transition: row phase and audit event in one transaction, then status, Event, metric. */
    private void record(Transition t, String message, EventRecorder.Type type) {
      boolean rowExists = ledger.seedboxes().seedbox(uid).isPresent();
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("namespace", seedbox.getMetadata().getNamespace());
      detail.put("name", seedbox.getMetadata().getName());
      detail.put("from", t.from().wireName());
      detail.put("to", t.to().wireName());
      detail.put("reason", t.reason());
      detail.put("message", message);
      ledger.jdbi().useTransaction(h -> {
        if (rowExists) {
          ledger.seedboxes().recordPhase(h, uid, t.to(), ACTOR);
        }
        ledger.audit().append(h, ACTOR, "seedbox.transition", "seedbox:" + uid, detail);
      });
      phase = t.to();
      serverPolls.forget(uid); // what was seen belongs to the phase before (a suspend, a resume changed the server)
      status.setPhase(t.to());
      status.setMessage(message);
      events.record(seedbox, type, t.reason(), t.from() + " -> " + t.to() + ": " + message);
      metrics.transition(t.from(), t.to());
      LOG.info("Seedbox {}: {} -> {} ({}): {}", who, t.from(), t.to(), t.reason(), message);
      row = ledger.seedboxes().seedbox(uid);
    }

    /** An Event for a problem or a wait, once per change of reason (not on every recheck). */
    private void notice(String reason, String message, boolean warning) {
      String previous = status.findCondition(SeedboxStatus.READY).map(c -> c.getReason()).orElse(null);
      status.setMessage(message);
      if (!reason.equals(previous)) {
        events.record(seedbox, warning ? EventRecorder.Type.WARNING : EventRecorder.Type.NORMAL, reason, message);
        LOG.info("Seedbox {} ({}): {}: {}", who, phase, reason, message);
      }
    }

    /**
     * Ready, Paid and Provisioned from the phase, the row and this pass's problem ({@code reason} null: none).
     */
    private void conditions(String reason, String message) {
      Long generation = seedbox.getMetadata().getGeneration();
      var now = clock.instant();
      Optional<SeedboxRecord> r = row;
      // Paid
      if (phase == Phase.FAILED) {
        status.setCondition(SeedboxStatus.PAID, ConditionStatus.FALSE, "Refunded",
            "the first period was refunded", generation, now);
      } else if (phase == Phase.TERMINATING || phase == Phase.TERMINATED) {
        status.setCondition(SeedboxStatus.PAID, ConditionStatus.FALSE, "NotBilled",
            "a terminated seedbox is not billed", generation, now);
      } else if (r.isPresent() && r.get().billingHold()) {
        status.setCondition(SeedboxStatus.PAID, ConditionStatus.FALSE, Reasons.BILLING_HOLD,
            "the BillingAccount cannot pay the current period", generation, now);
      } else if (r.isPresent()) {
        status.setCondition(SeedboxStatus.PAID, ConditionStatus.TRUE, "Paid",
            "paid through " + r.get().paidThrough(), generation, now);
      } else {
        status.setCondition(SeedboxStatus.PAID, ConditionStatus.FALSE, reason == null ? "NotCharged" : reason,
            message == null ? "nothing has been charged" : message, generation, now);
      }
      // Provisioned
      switch (phase) {
        case ACTIVE, SUSPENDED -> status.setCondition(SeedboxStatus.PROVISIONED, ConditionStatus.TRUE,
            "ServerCreated", "server " + status.getProviderRef(), generation, now);
        case PENDING -> status.setCondition(SeedboxStatus.PROVISIONED, ConditionStatus.FALSE,
            reason == null ? "NotStarted" : reason, message == null ? "waiting to start" : message, generation, now);
        case PROVISIONING -> status.setCondition(SeedboxStatus.PROVISIONED, ConditionStatus.FALSE,
            reason == null ? "Provisioning" : reason, message == null ? "the server is being created" : message,
            generation, now);
        case FAILED -> {
          if (reason != null) {
            status.setCondition(SeedboxStatus.PROVISIONED, ConditionStatus.FALSE, reason, message, generation, now);
          }
        }
        case TERMINATING, TERMINATED -> status.setCondition(SeedboxStatus.PROVISIONED, ConditionStatus.FALSE,
            "Terminated", "the server is released", generation, now);
        default -> {
        }
      }
      // Ready
      if (phase == Phase.ACTIVE && reason == null) {
        String url = status.getEndpoint() == null ? "" : "; web UI at " + status.getEndpoint().getWebUiUrl();
        status.setCondition(SeedboxStatus.READY, ConditionStatus.TRUE, "Running", "the seedbox runs" + url,
            generation, now);
        if (status.getMessage() == null || !status.getMessage().startsWith("web UI credentials")) {
          status.setMessage("the seedbox runs" + url);
        }
      } else if (reason != null) {
        status.setCondition(SeedboxStatus.READY, ConditionStatus.FALSE, reason, message, generation, now);
      } else if (status.findCondition(SeedboxStatus.READY).isEmpty() || phase == Phase.PROVISIONING) {
        status.setCondition(SeedboxStatus.READY, ConditionStatus.FALSE, phase.wireName(),
            "the seedbox is " + phase.wireName(), generation, now);
      }
    }
  }

  private static long longOf(Long value) {
    return value == null ? 0 : value;
  }
}

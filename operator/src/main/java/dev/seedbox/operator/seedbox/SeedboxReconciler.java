package dev.seedbox.operator.seedbox;

import dev.seedbox.api.lifecycle.Lifecycle;
import dev.seedbox.api.plan.PlanCatalog;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.api.v1alpha1.SeedboxStatus;
import dev.seedbox.ledger.LedgerModule;
import dev.seedbox.operator.ledgerevents.LedgerListener;
import dev.seedbox.operator.metrics.OperatorMetrics;
import dev.seedbox.operator.https.WebUiHostnames;
import dev.seedbox.operator.reconcile.EventRecorder;
import dev.seedbox.operator.reconcile.InvalidSpecGate;
import dev.seedbox.operator.reconcile.PauseGate;
import dev.seedbox.operator.reconcile.ReconcilePipeline;
import dev.seedbox.operator.reconcile.ReconcilePipeline.Outcome;
import dev.seedbox.operator.reconcile.StatusRecorder;
import dev.seedbox.provisioning.ProviderRegistry;
import dev.seedbox.provisioning.client.TorrentClientProfiles;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import dev.seedbox.operator.host.HostPreparation;
import dev.seedbox.operator.host.ManagedServers;
import dev.seedbox.operator.host.OwnServers;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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

  private static final Logger LOG = LoggerFactory.getLogger(SeedboxReconciler.class);
  /** How long a client may take to answer its web UI after it was (re)started with a new password. */
  private static final Duration WEB_UI_STARTUP = Duration.ofSeconds(20);
  private static final Duration MAX_ROTATION_BACKOFF = Duration.ofMinutes(30);

  private final LedgerListener ledgerListener;
  private final SeedboxTiming timing;
  private final ServerPolls serverPolls = new ServerPolls();
  private final WebUiSecret webUi;
  private final ManagedServers servers;
  private final HostProbes probes;
  private final SeedboxObserver observer;
  private final SeedboxActions actions;
  private final ReconcilePipeline<Seedbox, SeedboxStatus> pipeline;
  private final SeedboxEventSources eventSources = new SeedboxEventSources();

  /** Everything the Seedbox controller talks to, wired by {@code OperatorWiring}. */
  public record Dependencies(PauseGate pauseGate, OperatorMetrics metrics, EventRecorder events, LedgerModule ledger,
      ProviderRegistry providers, TorrentClientProfiles clients, PlanCatalog plans, Lifecycle lifecycle, Clock clock,
      LedgerListener ledgerListener, SeedboxTiming timing, KubernetesClient client, WebUiHostnames hostnames,
      ManagedServers servers, OwnServers ownServers) {
  }

  public SeedboxReconciler(Dependencies d) {
    this.ledgerListener = d.ledgerListener();
    this.timing = d.timing();
    this.webUi = new WebUiSecret(d.client());
    this.servers = d.servers();
    this.probes = new HostProbes(webUi, d.clock(), d.timing().probeInterval(),
        d.hostnames().settings().certificateExpiryThreshold());
    ProviderCalls calls = new ProviderCalls(d.metrics());
    this.observer = new SeedboxObserver(d.ledger(), d.providers(), d.clients(), d.plans(), d.clock(), d.timing(),
        calls, serverPolls, d.hostnames(), probes, d.servers(), d.ownServers());
    this.actions = new SeedboxActions(new SeedboxActions.Dependencies(d.ledger(), d.providers(), d.clients(),
        new SeedboxTransitions(d.ledger(), d.lifecycle(), d.events(), d.metrics(), serverPolls), d.events(), calls,
        webUi, serverPolls, d.timing(), d.clock(), d.hostnames(), d.servers(),
        new HostPreparation(WEB_UI_STARTUP), probes, new RetryBackoff(d.timing().retryBackoff(), MAX_ROTATION_BACKOFF),
        d.ownServers()));
    this.pipeline = new ReconcilePipeline<>("Seedbox", d.metrics(), d.pauseGate(),
        new InvalidSpecGate(d.events(), d.metrics(), d.clock()),
        new StatusRecorder<>(d.client(), SeedboxStatus::new), sb -> Boolean.TRUE.equals(sb.getSpec().getPaused()),
        true);
  }

  @Override
  public List<EventSource<?, Seedbox>> prepareEventSources(EventSourceContext<Seedbox> context) {
    return eventSources.prepare(context, ledgerListener, observer);
  }

  /** Whether the Seedbox informer holds a Seedbox with this UID (the orphan sweep's first check). */
  public boolean cachedSeedboxWithUid(String uid) {
    return eventSources.cachedSeedboxWithUid(uid);
  }

  /** Whether the informer caches are set up (the controller has started). */
  public boolean started() {
    return eventSources.started();
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
        webUi.forget(seedbox.getMetadata().getUid());
        servers.keys().forget(seedbox.getMetadata().getUid());
        probes.forget(seedbox.getMetadata().getUid());
        LOG.info("Seedbox {}/{}: finalizer removed", seedbox.getMetadata().getNamespace(),
            seedbox.getMetadata().getName());
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

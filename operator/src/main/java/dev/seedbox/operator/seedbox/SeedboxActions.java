package dev.seedbox.operator.seedbox;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.lifecycle.Transition;
import dev.seedbox.api.plan.ProviderOffer;
import dev.seedbox.api.v1alpha1.Endpoint;
import dev.seedbox.api.v1alpha1.SeedboxSpec;
import dev.seedbox.api.v1alpha1.TorrentClient;
import dev.seedbox.ledger.InsufficientCreditException;
import dev.seedbox.ledger.LedgerModule;
import dev.seedbox.ledger.SeedboxOrder;
import dev.seedbox.ledger.SeedboxRecord;
import dev.seedbox.operator.https.DnsEndpoints;
import dev.seedbox.operator.https.WebUiHostnames;
import dev.seedbox.operator.reconcile.EventRecorder;
import dev.seedbox.operator.reconcile.ReconcilePipeline.Outcome;
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
import dev.seedbox.operator.seedbox.SeedboxObservation.ProviderFailure;
import dev.seedbox.operator.seedbox.SeedboxObservation.Server;
import dev.seedbox.provisioning.CreateRequest;
import dev.seedbox.provisioning.CreatedServer;
import dev.seedbox.provisioning.Credentials;
import dev.seedbox.provisioning.ProviderException;
import dev.seedbox.provisioning.ProviderRegistry;
import dev.seedbox.provisioning.ProvisioningProvider;
import dev.seedbox.provisioning.ServerState;
import dev.seedbox.provisioning.ServerRef;
import dev.seedbox.provisioning.client.TorrentClientProfiles;
import io.fabric8.kubernetes.api.model.Secret;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The act step (architecture §5): one small, idempotent action per {@link SeedboxDecision}, handed over by
 * {@link SeedboxDecision#handledBy}, so a new decision cannot compile unhandled. Every action ends by aggregating
 * the conditions and saying when to look again.
 */
final class SeedboxActions {

  private static final Logger LOG = LoggerFactory.getLogger(SeedboxActions.class);
  private static final String ACTOR = SeedboxReconciler.ACTOR;

  /** What the actions talk to. */
  record Dependencies(LedgerModule ledger, ProviderRegistry providers, TorrentClientProfiles clients,
      SeedboxTransitions transitions, EventRecorder events, ProviderCalls calls, WebUiSecret webUi,
      ServerPolls serverPolls, SeedboxTiming timing, Clock clock, WebUiHostnames hostnames) {
  }

  private final Dependencies d;

  SeedboxActions(Dependencies dependencies) {
    this.d = dependencies;
  }

  /** Acts on the decision; a provider call that fails on the way is decided on again as a provider failure. */
  Outcome act(SeedboxPass pass, SeedboxDecision decision) {
    try {
      return decision.handledBy(new Acting(pass));
    } catch (ProviderException e) {
      ProviderFailure failure = d.timing().withBackoff(ProviderCalls.failure(e));
      LOG.info("Seedbox {}: provider call failed ({}): {}", pass.who, failure.retryable() ? "retryable"
          : "permanent", failure.message());
      return SeedboxDecider.onProviderFailure(pass.phase, failure).handledBy(new Acting(pass));
    }
  }

  /** Records {@code spec.suspend} on the row, where billing reads it: an operator hold is still billed. */
  void recordOperatorHold(SeedboxPass pass) {
    boolean requested = pass.observation.order().suspendRequested();
    String reason = pass.spec.getSuspendReason() == null ? "spec.suspend is true" : pass.spec.getSuspendReason();
    d.ledger().seedboxes().setOperatorHold(pass.uid, requested, reason, ACTOR);
    pass.row = d.ledger().seedboxes().seedbox(pass.uid);
  }

  static TorrentClient clientOf(SeedboxSpec spec) {
    return spec.getClient() == null ? TorrentClient.QBITTORRENT : spec.getClient();
  }

  /** The actions for one pass. */
  private final class Acting implements SeedboxDecision.Handler<Outcome> {
    private final SeedboxPass pass;

    Acting(SeedboxPass pass) {
      this.pass = pass;
    }

    @Override
    public Outcome waitFor(Wait wait) {
      notice(wait.reason(), wait.message(), false);
      conditions(wait.reason(), wait.message());
      return Outcome.after(d.timing().capWait(wait.recheck()));
    }

    @Override
    public Outcome rejectSpec(RejectSpec reject) {
      notice(reject.reason(), reject.message(), true);
      conditions(reject.reason(), reject.message());
      return Outcome.after(d.timing().waitRecheck());
    }

    @Override
    public Outcome startProvisioning(StartProvisioning start) {
      Transition t = d.transitions().guard(pass, start, "FirstPeriodCharged");
      try {
        d.ledger().ledger().startProvisioning(new SeedboxOrder(pass.uid, pass.account.getMetadata().getUid(),
            pass.seedbox.getMetadata().getNamespace(), pass.seedbox.getMetadata().getName(), pass.spec.getPlan(),
            start.firstPeriodCents(), t.to()), ACTOR);
      } catch (InsufficientCreditException e) {
        // the balance moved between observing and charging: wait like any unpaid order
        notice(Reasons.AWAITING_PAYMENT, e.getMessage(), false);
        conditions(Reasons.AWAITING_PAYMENT, e.getMessage());
        return Outcome.after(d.timing().waitRecheck());
      }
      pass.row = d.ledger().seedboxes().seedbox(pass.uid);
      d.transitions().record(pass, t, "charged the first period (" + start.firstPeriodCents()
          + " cents); creating the server", EventRecorder.Type.NORMAL);
      conditions(null, null);
      return Outcome.after(d.timing().nextStep());
    }

    @Override
    public Outcome createServer(CreateServer create) {
      ProvisioningProvider provider = d.providers().get(pass.spec.getProvider());
      ProviderOffer offer = pass.plan.offer(pass.spec.getProvider(), pass.spec.getRegion()).orElseThrow(() ->
          new IllegalStateException("plan " + pass.spec.getPlan() + " lost its offer for " + pass.spec.getProvider()));
      Optional<Secret> ready = d.webUi().ensure(pass.seedbox, SeedboxPass.longOf(pass.spec.getCredentialsRotation()));
      if (ready.isEmpty()) {
        // its password's hash is being computed off the reconcile pool; the hashing thread wakes this Seedbox, the
        // recheck is only a safety net
        conditions(null, null);
        return Outcome.after(d.timing().waitRecheck());
      }
      Secret secret = ready.get();
      // the hash stored beside the password: every attempt (a retry after a 429, a restart) sends the same user data
      String userData = d.clients().get(clientOf(pass.spec)).userData(WebUiSecret.username(secret),
          WebUiSecret.passwordHash(secret));
      CreatedServer created = d.calls().call(provider, "create", p -> p.create(
          new CreateRequest(pass.uid, offer.size(), pass.spec.getRegion(), pass.spec.getClient(), userData,
              pass.plan.volumeGb(pass.spec.getProvider()))));
      d.ledger().seedboxes().recordProviderRef(pass.uid, created.ref().toString(), ACTOR);
      for (var duplicate : created.duplicatesDeleted()) {
        d.ledger().audit().append(ACTOR, "seedbox.duplicate-server-deleted", "seedbox:" + pass.uid, Map.of(
            "namespace", pass.seedbox.getMetadata().getNamespace(), "name", pass.seedbox.getMetadata().getName(),
            "kept", created.ref().toString(), "deleted", duplicate.toString()));
        d.events().record(pass.seedbox, EventRecorder.Type.WARNING, "DuplicateServerDeleted", "server " + duplicate
            + " also carried this Seedbox's UID and was deleted; " + created.ref() + " is kept");
      }
      if (created.server().state() == ServerState.PROVISIONING) {
        // the create's answer is the first observation: a wake during the boot wait need not poll before it ends
        d.serverPolls().record(pass.uid, pass.phase, new Server.Creating());
      }
      pass.status.setProviderRef(created.ref().toString());
      pass.status.setCredentialsSecretRef(WebUiSecret.name(pass.seedbox));
      // the rotation the server's credentials answer, kept in the status so markActive need not read the Secret again
      pass.status.setObservedCredentialsRotation(Math.max(SeedboxPass.longOf(pass.spec.getCredentialsRotation()),
          WebUiSecret.rotationOf(secret)));
      String message = (created.adopted() ? "adopted server " : "created server ") + created.ref();
      d.events().normal(pass.seedbox, created.adopted() ? "ServerAdopted" : "ServerCreated", message);
      LOG.info("Seedbox {}: {}", pass.who, message);
      pass.status.setMessage(message);
      conditions(null, null);
      return Outcome.after(d.timing().capPoll(SeedboxDecider.SERVER_POLL));
    }

    @Override
    public Outcome awaitServer(AwaitServer await) {
      conditions(null, null);
      // an early wake that reused the last poll keeps the poll on its schedule instead of pushing it back
      Duration wait = d.timing().capPoll(await.recheck()).minus(pass.serverAge);
      return Outcome.after(wait.isNegative() ? Duration.ZERO : wait);
    }

    @Override
    public Outcome markActive(MarkActive active) {
      Transition t = d.transitions().guard(pass, active, "ServerRunning");
      // before the status names the hostname, so that a failed write is retried rather than left unpublished
      publishHostname(active.address());
      pass.status.setEndpoint(new Endpoint(active.address(), active.webUiUrl()));
      pass.status.setCredentialsSecretRef(WebUiSecret.name(pass.seedbox));
      pass.status.setProviderRef(pass.row.map(SeedboxRecord::providerRef).orElse(pass.status.getProviderRef()));
      // createServer recorded the Secret's rotation; a server created by an older operator has none recorded, and
      // then the requested rotation is the one its (fresh) credentials answer
      pass.status.setObservedCredentialsRotation(Math.max(SeedboxPass.longOf(pass.spec.getCredentialsRotation()),
          SeedboxPass.longOf(pass.status.getObservedCredentialsRotation())));
      d.transitions().record(pass, t, "the server runs; web UI at " + active.webUiUrl(), EventRecorder.Type.NORMAL);
      // the poll that found it running counts for Active too: the next sibling's charge need not ask again
      d.serverPolls().record(pass.uid, t.to(), new Server.Running(active.address(), active.webUiUrl()));
      conditions(null, null);
      return Outcome.idle();
    }

    @Override
    public Outcome suspend(Suspend suspend) {
      Transition t = d.transitions().guard(pass, suspend, suspend.reason());
      ServerRef ref = pass.serverRef();
      d.calls().run(d.providers().get(ref.provider()), "suspend", p -> p.suspend(ref));
      d.transitions().record(pass, t, suspend.message(), EventRecorder.Type.NORMAL);
      conditions(suspend.reason(), suspend.message());
      return Outcome.idle();
    }

    @Override
    public Outcome resume(Resume resume) {
      Transition t = d.transitions().guard(pass, resume, "HoldsLifted");
      ServerRef ref = pass.serverRef();
      d.calls().run(d.providers().get(ref.provider()), "resume", p -> p.resume(ref));
      d.transitions().record(pass, t, "billing and operator holds are lifted; the server is powered on",
          EventRecorder.Type.NORMAL);
      conditions(null, null);
      return Outcome.after(d.timing().nextStep());
    }

    @Override
    public Outcome terminate(Terminate terminate) {
      Transition t = d.transitions().guard(pass, terminate, terminate.reason());
      d.transitions().record(pass, t, terminate.message(), EventRecorder.Type.NORMAL);
      conditions(terminate.reason(), terminate.message());
      return Outcome.after(d.timing().nextStep());
    }

    @Override
    public Outcome failProvisioning(FailProvisioning fail) {
      Transition t = d.transitions().guard(pass, fail, fail.reason());
      if (pass.row.isPresent()) {
        d.ledger().ledger().refundCharge(pass.uid, 0, "provisioning failed: " + fail.message(), ACTOR);
      }
      d.transitions().record(pass, t, fail.message(), EventRecorder.Type.WARNING);
      conditions(fail.reason(), fail.message());
      return pass.deleting ? Outcome.after(d.timing().nextStep()) : Outcome.idle();
    }

    @Override
    public Outcome cancelPending(CancelPending cancel) {
      Transition t = d.transitions().guard(pass, cancel, "Cancelled");
      d.transitions().record(pass, t, "deleted before anything was created or charged", EventRecorder.Type.NORMAL);
      conditions("Cancelled", "deleted before anything was created or charged");
      return Outcome.after(d.timing().nextStep());
    }

    @Override
    public Outcome releaseServer(ReleaseServer release) {
      if (pass.row.isPresent() && pass.row.get().providerRef() != null) {
        ServerRef ref = pass.serverRef();
        d.calls().run(d.providers().get(ref.provider()), "terminate", p -> p.terminate(ref));
        d.ledger().audit().append(ACTOR, "seedbox.server-released", "seedbox:" + pass.uid, Map.of(
            "namespace", pass.seedbox.getMetadata().getNamespace(), "name", pass.seedbox.getMetadata().getName(),
            "providerRef", ref.toString()));
        d.events().normal(pass.seedbox, "ServerReleased", "deleted server " + ref + " at the provider");
      }
      // the provider may give the released address to someone else; a terminated Seedbox may stay for a while
      if (d.hostnames().unpublish(pass.seedbox)) {
        d.events().normal(pass.seedbox, "DnsRecordRemoved", "deleted DNSEndpoint " + DnsEndpoints.name(pass.seedbox));
      }
      conditions(null, null);
      return Outcome.after(d.timing().nextStep());
    }

    @Override
    public Outcome finishTermination(FinishTermination finish) {
      if (pass.row.isPresent() && pass.row.get().providerRef() == null && pass.spec.getProvider() != null) {
        // a create whose answer was lost may have left a server carrying our UID
        d.providers().find(pass.spec.getProvider()).ifPresent(p -> d.calls().call(p, "terminateBySeedboxUid",
            q -> q.terminateBySeedboxUid(pass.uid)));
      }
      Transition t = d.transitions().guard(pass, finish, "ServerReleased");
      d.transitions().record(pass, t, "the server is gone", EventRecorder.Type.NORMAL);
      conditions("Terminated", "the seedbox is terminated");
      return pass.deleting ? Outcome.after(d.timing().nextStep()) : Outcome.idle();
    }

    @Override
    public Outcome removeFinalizer(RemoveFinalizer remove) {
      return Outcome.removeFinalizerNow();
    }

    @Override
    public Outcome rotateCredentials(RotateCredentials rotate) {
      long rotation = rotate.rotation();
      Secret secret = d.webUi().get(pass.seedbox);
      if (secret != null && WebUiSecret.rotationOf(secret) >= rotation) {
        // rotated already (the status write after it was lost): record it, do not rotate twice
        pass.status.setObservedCredentialsRotation(rotation);
        conditions(null, null);
        return Outcome.idle();
      }
      ServerRef ref = pass.serverRef();
      Credentials credentials = d.calls().call(d.providers().get(ref.provider()), "rotateCredentials",
          p -> p.rotateCredentials(ref));
      d.webUi().replace(pass.seedbox, credentials, rotation);
      pass.status.setObservedCredentialsRotation(rotation);
      d.ledger().audit().append(ACTOR, "seedbox.credentials-rotated", "seedbox:" + pass.uid, Map.of(
          "namespace", pass.seedbox.getMetadata().getNamespace(), "name", pass.seedbox.getMetadata().getName(),
          "rotation", rotation, "appliedOnServer", credentials.appliedOnServer()));
      String message = "web UI credentials rotated for credentialsRotation " + rotation + " (Secret "
          + WebUiSecret.name(pass.seedbox) + ")";
      d.events().normal(pass.seedbox, "CredentialsRotated", message);
      LOG.info("Seedbox {}: {}", pass.who, message);
      pass.status.setMessage(message);
      conditions(null, null);
      return Outcome.idle();
    }

    @Override
    public Outcome retryLater(RetryLater retry) {
      notice(retry.reason(), retry.message(), true);
      conditions(retry.reason(), "retrying in " + retry.after() + ": " + retry.message());
      return Outcome.after(retry.after());
    }

    @Override
    public Outcome report(Report report) {
      notice(report.reason(), report.message(), true);
      conditions(report.reason(), report.message());
      return Outcome.after(d.timing().capWait(report.recheck()));
    }

    @Override
    public Outcome inSync(InSync inSync) {
      // level-based: a server whose address changed (or a record someone deleted) is published again
      if (pass.observation.phase() == Phase.ACTIVE
          && pass.observation.server() instanceof Server.Running running) {
        publishHostname(running.address());
      }
      conditions(null, null);
      return Outcome.idle();
    }

    private void publishHostname(String address) {
      d.hostnames().publish(pass.seedbox, address)
          .filter(change -> change != DnsEndpoints.Change.UNCHANGED)
          .ifPresent(change -> d.events().normal(pass.seedbox, "DnsRecordPublished", "DNSEndpoint "
              + DnsEndpoints.name(pass.seedbox) + " points " + d.hostnames().settings().hostname(pass.seedbox)
              + " at " + address));
    }

    /** An Event for a problem or a wait, once per change of reason (not on every recheck). */
    private void notice(String reason, String message, boolean warning) {
      String previous = pass.status.findCondition(dev.seedbox.api.v1alpha1.SeedboxStatus.READY)
          .map(c -> c.getReason()).orElse(null);
      pass.status.setMessage(message);
      if (!reason.equals(previous)) {
        d.events().record(pass.seedbox, warning ? EventRecorder.Type.WARNING : EventRecorder.Type.NORMAL, reason,
            message);
        LOG.info("Seedbox {} ({}): {}: {}", pass.who, pass.phase, reason, message);
      }
    }

    private void conditions(String reason, String message) {
      SeedboxStatusAggregator.aggregate(pass.status, pass.phase, pass.row, reason, message,
          pass.seedbox.getMetadata().getGeneration(), d.clock().instant());
    }
  }
}

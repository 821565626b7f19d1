package dev.seedbox.operator.seedbox;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.lifecycle.Transition;
import dev.seedbox.api.plan.ProviderOffer;
import dev.seedbox.api.v1alpha1.DataOnTermination;
import dev.seedbox.api.status.ConditionStatus;
import dev.seedbox.api.v1alpha1.Endpoint;
import dev.seedbox.api.v1alpha1.SeedboxSpec;
import dev.seedbox.api.v1alpha1.SeedboxStatus;
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
import dev.seedbox.operator.seedbox.SeedboxDecision.AwaitHost;
import dev.seedbox.operator.seedbox.SeedboxDecision.AwaitOwnServer;
import dev.seedbox.operator.seedbox.SeedboxDecision.HoldManagement;
import dev.seedbox.operator.seedbox.SeedboxDecision.PreflightOwnServer;
import dev.seedbox.operator.seedbox.SeedboxDecision.ReleaseManagementHold;
import dev.seedbox.operator.seedbox.SeedboxDecision.AwaitServer;
import dev.seedbox.operator.seedbox.SeedboxDecision.CancelPending;
import dev.seedbox.operator.seedbox.SeedboxDecision.CreateServer;
import dev.seedbox.operator.seedbox.SeedboxDecision.FailProvisioning;
import dev.seedbox.operator.seedbox.SeedboxDecision.FinishTermination;
import dev.seedbox.operator.seedbox.SeedboxDecision.HostUnhealthy;
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
import dev.seedbox.provisioning.ProviderException;
import dev.seedbox.provisioning.ProviderRegistry;
import dev.seedbox.provisioning.ProvisioningProvider;
import dev.seedbox.provisioning.ServerState;
import dev.seedbox.provisioning.ServerRef;
import dev.seedbox.provisioning.client.TorrentClientProfiles;
import dev.seedbox.hostchannel.ClientProbe;
import dev.seedbox.hostchannel.HostReply;
import dev.seedbox.hostchannel.HostVerb;
import dev.seedbox.hostchannel.credentials.CredentialRotation;
import dev.seedbox.hostchannel.credentials.RotationOutcome;
import dev.seedbox.hostchannel.https.CertificateProbe;
import dev.seedbox.operator.host.HostPreparation;
import dev.seedbox.operator.host.ManagedServer;
import dev.seedbox.operator.host.ManagedServers;
import dev.seedbox.operator.host.OwnServers;
import dev.seedbox.operator.host.ServerKeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
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
      ServerPolls serverPolls, SeedboxTiming timing, Clock clock, WebUiHostnames hostnames, ManagedServers servers,
      HostPreparation preparation, HostProbes probes, RetryBackoff rotationBackoff, OwnServers ownServers) {
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
    } catch (HostCommandFailed e) {
      // the server keeps its state: report why and look again (a suspend or resume is retried)
      return new Report(e.reason, e.getMessage(), d.timing().serverPoll()).handledBy(new Acting(pass));
    }
  }

  /** A host command that did not do what a step needs; nothing was transitioned. */
  private static final class HostCommandFailed extends RuntimeException {
    private final String reason;

    HostCommandFailed(String reason, String message) {
      super(message, null, false, false);
      this.reason = reason;
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
    public Outcome preflightOwnServer(PreflightOwnServer preflight) {
      String connection = pass.spec.getByosConnectionRef();
      OwnServers.Located located = d.ownServers().locate(pass.seedbox, connection, pass.byosConnection,
          clientOf(pass.spec));
      if (located instanceof OwnServers.Located.Unavailable unavailable) {
        return new Wait(unavailable.reason(), unavailable.message(), d.timing().waitRecheck()).handledBy(this);
      }
      ManagedServer server = ((OwnServers.Located.Reachable) located).server();
      Optional<OwnServers.Located.Unavailable> refused = d.ownServers().preflight(server, pass.plan.storageGb());
      if (refused.isPresent()) {
        // nothing is charged; checked again as often as a running client is probed: the customer is likely fixing it
        return new Wait(refused.get().reason(), "your server " + server.target().host() + " cannot take this seedbox "
            + "yet: " + refused.get().message(), d.timing().probeInterval()).handledBy(this);
      }
      LOG.info("Seedbox {}: preflight passed on {} (ports {})", pass.who, server.target(), server.install());
      return startProvisioning(new StartProvisioning(preflight.firstPeriodCents()));
    }

    @Override
    public Outcome awaitOwnServer(AwaitOwnServer await) {
      Instant since = pass.row.map(SeedboxRecord::createdAt).orElse(null);
      return SeedboxDecider.onHostNotReady(d.clock().instant(), since, d.timing().bootDeadline(), await.reason(),
          await.message(), false).handledBy(this);
    }

    @Override
    public Outcome holdManagement(HoldManagement hold) {
      if (d.ledger().seedboxes().setManagementHold(pass.uid, true, hold.reason() + ": " + hold.message(), ACTOR)) {
        d.events().record(pass.seedbox, EventRecorder.Type.WARNING, "BillingHeld", "billing is held while the "
            + "operator cannot manage your server: " + hold.message());
        LOG.info("Seedbox {}: billing held, the server cannot be managed: {}: {}", pass.who, hold.reason(),
            hold.message());
        pass.row = d.ledger().seedboxes().seedbox(pass.uid);
      }
      d.probes().forget(pass.uid);
      notice(hold.reason(), hold.message(), true);
      conditions(hold.reason(), hold.message() + "; billing is held until the server can be managed again");
      return Outcome.after(d.timing().probeInterval());
    }

    @Override
    public Outcome releaseManagementHold(ReleaseManagementHold release) {
      if (d.ledger().seedboxes().setManagementHold(pass.uid, false, null, ACTOR)) {
        d.events().normal(pass.seedbox, "BillingResumed", "the operator can manage your server again; billing "
            + "resumes");
        LOG.info("Seedbox {}: the server can be managed again; billing resumes", pass.who);
        pass.row = d.ledger().seedboxes().seedbox(pass.uid);
      }
      conditions(null, null);
      return Outcome.after(d.timing().nextStep());
    }

    @Override
    public Outcome createServer(CreateServer create) {
      if (pass.spec.getByosConnectionRef() != null) {
        return placeOnOwnServer(pass.spec.getByosConnectionRef());
      }
      ProvisioningProvider provider = d.providers().get(pass.spec.getProvider());
      ProviderOffer offer = pass.plan.offer(pass.spec.getProvider(), pass.spec.getRegion()).orElseThrow(() ->
          new IllegalStateException("plan " + pass.spec.getPlan() + " lost its offer for " + pass.spec.getProvider()));
      // the keys are stored before the create: every attempt (a retry after a 429, a restart) boots the same keys
      ServerKeyPair keys = d.servers().keys().ensure(pass.seedbox);
      long volumeGb = pass.plan.volumeGb(pass.spec.getProvider());
      String userData = d.servers().userData(keys, clientOf(pass.spec), volumeGb > 0);
      CreatedServer created = d.calls().call(provider, "create", p -> p.create(
          new CreateRequest(pass.uid, offer.size(), pass.spec.getRegion(), clientOf(pass.spec), userData,
              volumeGb).withSshKey(keys.management().publicKey().line())));
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
      String message = (created.adopted() ? "adopted server " : "created server ") + created.ref();
      d.events().normal(pass.seedbox, created.adopted() ? "ServerAdopted" : "ServerCreated", message);
      LOG.info("Seedbox {}: {}", pass.who, message);
      pass.status.setMessage(message);
      conditions(null, null);
      return Outcome.after(d.timing().capPoll(SeedboxDecider.SERVER_POLL));
    }

    /** The customer's server needs no create: the placement is recorded, and the next pass installs the client. */
    private Outcome placeOnOwnServer(String connection) {
      String placement = OwnServers.placement(connection);
      d.ledger().seedboxes().recordProviderRef(pass.uid, placement, ACTOR);
      pass.row = d.ledger().seedboxes().seedbox(pass.uid);
      pass.status.setProviderRef(placement);
      String message = "installing on your server through ByosConnection " + connection;
      d.events().normal(pass.seedbox, "PlacedOnOwnServer", message);
      pass.status.setMessage(message);
      conditions(null, null);
      return Outcome.after(d.timing().nextStep());
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
      Optional<ManagedServer> server = managed();
      // the hostname resolves to the server before Caddy asks the ACME server for its certificate
      publishHostname(active.address());
      Optional<String> customerRecord = d.hostnames().recordForCustomer(pass.seedbox, active.address());
      customerRecord.ifPresent(record -> {
        Endpoint waiting = new Endpoint(active.address(), null);
        waiting.setDnsRecord(record);
        pass.status.setEndpoint(waiting);
      });
      long rotation;
      if (server.isPresent()) {
        HostPreparation.Outcome prepared = d.preparation().prepare(server.get(), d.webUi().store(pass.seedbox),
            SeedboxPass.longOf(pass.spec.getCredentialsRotation()));
        if (prepared instanceof HostPreparation.Outcome.NotYet notYet) {
          Instant since = pass.row.map(SeedboxRecord::createdAt).orElse(null);
          String message = notYet.message();
          if (customerRecord.isPresent() && HostPreparation.CERTIFICATE_PENDING.equals(notYet.reason())) {
            // the customer's own DNS is theirs to set up, in their own time: no deadline runs out on them
            since = null;
            message += "; create this DNS record for it: " + customerRecord.get();
          }
          return SeedboxDecider.onHostNotReady(d.clock().instant(), since, d.timing().bootDeadline(),
              notYet.reason(), message, notYet.broken()).handledBy(this);
        }
        rotation = ((HostPreparation.Outcome.Prepared) prepared).rotation();
      } else {
        // a server made before servers got keys runs the client its user data installed; it cannot be checked
        rotation = Math.max(SeedboxPass.longOf(pass.spec.getCredentialsRotation()),
            SeedboxPass.longOf(pass.status.getObservedCredentialsRotation()));
      }
      Transition t = d.transitions().guard(pass, active, "CustomerCanLogIn");
      Endpoint endpoint = new Endpoint(active.address(), active.webUiUrl());
      customerRecord.ifPresent(endpoint::setDnsRecord);
      pass.status.setEndpoint(endpoint);
      pass.status.setCredentialsSecretRef(WebUiSecret.name(pass.seedbox));
      pass.status.setProviderRef(pass.row.map(SeedboxRecord::providerRef).orElseThrow());
      pass.status.setObservedCredentialsRotation(rotation);
      d.transitions().record(pass, t, server.isPresent()
          ? "the client runs and accepted the customer's credentials; web UI at " + active.webUiUrl()
          : "the server runs; web UI at " + active.webUiUrl(), EventRecorder.Type.NORMAL);
      // the poll that found it running counts for Active too: the next sibling's charge need not ask again
      d.serverPolls().record(pass.uid, t.to(),
          new Server.Running(active.address(), observedIpv6(active.address()), active.webUiUrl()));
      conditions(null, null);
      return Outcome.after(d.timing().probeInterval());
    }

    @Override
    public Outcome awaitHost(AwaitHost await) {
      notice(await.reason(), await.message(), false);
      conditions(await.reason(), await.message());
      return Outcome.after(d.timing().capPoll(SeedboxDecider.SERVER_POLL));
    }

    @Override
    public Outcome hostUnhealthy(HostUnhealthy unhealthy) {
      notice(unhealthy.reason(), unhealthy.message(), true);
      conditions(unhealthy.reason(), unhealthy.message());
      // an unhealthy answer does not stand: the next pass probes again, so Ready follows the client back
      return Outcome.after(d.timing().probeInterval());
    }

    @Override
    public Outcome suspend(Suspend suspend) {
      Transition t = d.transitions().guard(pass, suspend, suspend.reason());
      Optional<ManagedServer> server = managedOrExplain();
      if (server.isPresent()) {
        // the client stops and its ports close at once; the data stays (a powered-off server is billed anyway)
        require(server.get().run(HostVerb.STOP), "stopping the client");
      } else {
        ServerRef ref = pass.serverRef();
        d.calls().run(d.providers().get(ref.provider()), "suspend", p -> p.suspend(ref));
      }
      d.probes().forget(pass.uid);
      d.transitions().record(pass, t, suspend.message(), EventRecorder.Type.NORMAL);
      conditions(suspend.reason(), suspend.message());
      return Outcome.idle();
    }

    @Override
    public Outcome resume(Resume resume) {
      Transition t = d.transitions().guard(pass, resume, "HoldsLifted");
      Optional<ManagedServer> server = managedOrExplain();
      if (server.isPresent()) {
        require(server.get().run(HostVerb.START), "starting the client");
      } else {
        ServerRef ref = pass.serverRef();
        d.calls().run(d.providers().get(ref.provider()), "resume", p -> p.resume(ref));
      }
      d.probes().forget(pass.uid);
      d.transitions().record(pass, t, server.isPresent()
          ? "billing and operator holds are lifted; the client is started"
          : "billing and operator holds are lifted; the server is powered on", EventRecorder.Type.NORMAL);
      if (server.isPresent()) {
        // Ready waits for the next pass's probe to log in as the customer
        conditions(Reasons.CLIENT_STARTING, "the client was started; Ready turns True once the customer's login "
            + "works");
      } else {
        conditions(null, null);
      }
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
      // a preflight that never passed may have reserved ports on the customer's server
      d.ownServers().release(pass.seedbox);
      d.transitions().record(pass, t, "deleted before anything was created or charged", EventRecorder.Type.NORMAL);
      conditions("Cancelled", "deleted before anything was created or charged");
      return Outcome.after(d.timing().nextStep());
    }

    @Override
    public Outcome releaseServer(ReleaseServer release) {
      if (pass.onOwnServer()) {
        return removeFromOwnServer();
      }
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

    /** Stops and removes the client, its unit and its user from the customer's server; then termination ends. */
    private Outcome removeFromOwnServer() {
      ManagedServer server = managedOrExplain().orElseThrow();
      boolean deleteData = pass.spec.getDataOnTermination() == DataOnTermination.DELETE;
      if (server.https().isPresent()) {
        require(server.removeHttps(), "taking the web UI's HTTPS site off your server");
      }
      HostReply removed = server.uninstall(deleteData);
      require(removed, "removing the client from your server");
      boolean dataKept = ((HostReply.Done) removed).body().path("dataKept").asBoolean(!deleteData);
      d.ledger().audit().append(ACTOR, "seedbox.client-removed", "seedbox:" + pass.uid, Map.of(
          "namespace", pass.seedbox.getMetadata().getNamespace(), "name", pass.seedbox.getMetadata().getName(),
          "host", server.target().host(), "slot", String.valueOf(server.slot().get("slot")), "dataKept", dataKept));
      d.events().normal(pass.seedbox, "ClientRemoved", "removed the client, its unit and its user from "
          + server.target().host() + (dataKept ? "; the downloads are kept in /srv/seedbox/" + server.slot().get("slot")
              : "; the downloads were deleted (dataOnTermination: Delete)"));
      return finishTermination(new FinishTermination());
    }

    @Override
    public Outcome finishTermination(FinishTermination finish) {
      if (pass.onOwnServer()) {
        if (pass.observation.server() instanceof Server.Unmanageable unmanageable) {
          d.events().record(pass.seedbox, EventRecorder.Type.WARNING, "ClientLeftOnServer", unmanageable.message()
              + "; the client could not be removed: remove user " + ManagedServers.slotName(pass.uid) + " and unit "
              + "seedbox-" + ManagedServers.slotName(pass.uid) + ".service from your server yourself");
        }
        d.ownServers().release(pass.seedbox);
      }
      if (pass.row.isPresent() && pass.row.get().providerRef() == null && pass.spec.getProvider() != null) {
        // a create whose answer was lost may have left a server carrying our UID
        d.providers().find(pass.spec.getProvider()).ifPresent(p -> d.calls().call(p, "terminateBySeedboxUid",
            q -> q.terminateBySeedboxUid(pass.uid)));
      }
      if (d.servers().keys().release(pass.seedbox)) {
        d.ledger().audit().append(ACTOR, "seedbox.server-keys-destroyed", "seedbox:" + pass.uid, Map.of(
            "namespace", pass.seedbox.getMetadata().getNamespace(), "name", pass.seedbox.getMetadata().getName(),
            "store", "vault"));
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
      Optional<ManagedServer> server = managedOrExplain();
      if (server.isEmpty()) {
        return new Report(Reasons.HOST_KEYS_MISSING, "credentialsRotation " + rotation + " cannot be applied: the "
            + "server has no keys of ours, so its web UI password cannot be set", d.timing().waitRecheck())
            .handledBy(this);
      }
      ManagedServer s = server.get();
      RotationOutcome outcome = new CredentialRotation(s.channel(), s.login(), d.preparation().webUiStartup())
          .apply(s.target(), s.key(), s.slot(), s.webUiUrl(), d.webUi().store(pass.seedbox), rotation);
      if (outcome instanceof RotationOutcome.Failed failed) {
        Duration wait = d.rotationBackoff().failed(pass.uid);
        notice(failed.reason(), failed.message(), true);
        conditions(failed.reason(), failed.message() + "; retrying in " + wait);
        return Outcome.after(wait);
      }
      d.rotationBackoff().succeeded(pass.uid);
      d.probes().forget(pass.uid);
      pass.status.setObservedCredentialsRotation(rotation);
      if (outcome instanceof RotationOutcome.Promoted) {
        d.ledger().audit().append(ACTOR, "seedbox.credentials-rotated", "seedbox:" + pass.uid, Map.of(
            "namespace", pass.seedbox.getMetadata().getNamespace(), "name", pass.seedbox.getMetadata().getName(),
            "rotation", rotation, "appliedOnServer", true, "loginVerified", true));
      }
      String message = "web UI credentials rotated for credentialsRotation " + rotation + ": set on the server and "
          + "accepted at login (Secret " + WebUiSecret.name(pass.seedbox) + ")";
      d.events().normal(pass.seedbox, "CredentialsRotated", message);
      LOG.info("Seedbox {}: {}", pass.who, message);
      pass.status.setMessage(message);
      conditions(null, null);
      return Outcome.after(d.timing().nextStep());
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
      if (pass.observation.host() instanceof SeedboxObservation.Host.Healthy healthy) {
        healthy.certificate().ifPresent(this::certificate);
      }
      conditions(null, null);
      // an Active seedbox is probed again when its healthy answer is due
      return pass.phase == Phase.ACTIVE ? Outcome.after(d.timing().probeInterval()) : Outcome.idle();
    }

    /**
     * The seedbox's client over the host channel; empty for a cloud server without keys of ours. A customer's server
     * that cannot be managed now is a failed host command: nothing is transitioned, and the reason is reported.
     */
    private Optional<ManagedServer> managedOrExplain() {
      if (pass.ownServer instanceof OwnServers.Located.Unavailable unavailable) {
        throw new HostCommandFailed(unavailable.reason(), unavailable.message());
      }
      return managed();
    }

    /** The seedbox's client over the host channel, empty when it cannot be reached that way. */
    private Optional<ManagedServer> managed() {
      if (pass.ownServer != null) {
        return pass.ownServer instanceof OwnServers.Located.Reachable reachable ? Optional.of(reachable.server())
            : Optional.empty();
      }
      ServerRef ref = pass.serverRef();
      String address = pass.status.getEndpoint() == null ? null : pass.status.getEndpoint().getAddress();
      if (address == null && pass.observation.server() instanceof Server.Running running) {
        address = running.address();
      }
      if (address == null) {
        return Optional.empty();
      }
      return d.servers().locate(pass.seedbox, ref, address, clientOf(pass.spec));
    }

    private void require(HostReply reply, String what) {
      if (!reply.done()) {
        throw new HostCommandFailed(ClientProbe.reasonOf(reply), what + " over the host channel: " + reply.message());
      }
    }

    /** The certificate's condition, with one Event when it turns bad (Caddy renews a month ahead; it did not). */
    private void certificate(CertificateProbe.Verdict verdict) {
      boolean wasValid = pass.status.findCondition(SeedboxStatus.CERTIFICATE_VALID)
          .map(c -> c.getStatus() == ConditionStatus.TRUE).orElse(true);
      if (wasValid && !verdict.valid()) {
        d.events().record(pass.seedbox, EventRecorder.Type.WARNING, verdict.reason(), verdict.message());
      }
      pass.status.setCondition(SeedboxStatus.CERTIFICATE_VALID, ConditionStatus.of(verdict.valid()), verdict.reason(), verdict.message(), pass.seedbox.getMetadata().getGeneration(),
          d.clock().instant());
    }

    /** The hostname points at the server's address and, where the provider gave it one, its IPv6 address. */
    private void publishHostname(String address) {
      List<String> addresses = Stream.of(address, observedIpv6(address)).filter(Objects::nonNull).toList();
      d.hostnames().publish(pass.seedbox, addresses)
          .filter(change -> change != DnsEndpoints.Change.UNCHANGED)
          .ifPresent(change -> d.events().normal(pass.seedbox, "DnsRecordPublished", "DNSEndpoint "
              + DnsEndpoints.name(pass.seedbox) + " points " + d.hostnames().settings().hostname(pass.seedbox)
              + " at " + String.join(", ", addresses)));
    }

    /** The IPv6 address the provider reported for the server at {@code address}; null where it has none. */
    private String observedIpv6(String address) {
      return pass.observation.server() instanceof Server.Running running && address.equals(running.address())
          ? running.ipv6Address() : null;
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

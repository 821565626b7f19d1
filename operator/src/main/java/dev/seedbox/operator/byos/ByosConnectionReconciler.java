package dev.seedbox.operator.byos;

import dev.seedbox.api.v1alpha1.ByosConnection;
import dev.seedbox.api.v1alpha1.ByosConnectionSpec;
import dev.seedbox.api.v1alpha1.ByosConnectionStatus;
import dev.seedbox.api.v1alpha1.ByosPhase;
import dev.seedbox.api.v1alpha1.SecretStoreKind;
import dev.seedbox.keys.ByosKeys;
import dev.seedbox.keys.IssuedKey;
import dev.seedbox.keys.KeyMissingException;
import dev.seedbox.keys.StoreUnavailableException;
import dev.seedbox.keys.store.ConnectionIdentity;
import dev.seedbox.keys.store.SecretRef;
import dev.seedbox.keys.verify.SshTarget;
import dev.seedbox.keys.verify.VerificationResult;
import dev.seedbox.ledger.audit.AuditLog;
import dev.seedbox.ledger.byos.ByosConnectionRecord;
import dev.seedbox.ledger.byos.ByosConnections;
import dev.seedbox.ledger.byos.HostKeyPin;
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
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles ByosConnections: issue the key of the current rotation (Secret or Vault), show its public key and
 * onboarding command, record the connection in PostgreSQL (public key, fingerprint, secret reference: never key
 * material), and verify over SSH until the customer has authorised the key, pinning the server's host key on the
 * first success.
 *
 * <p>The PostgreSQL row holds the key last proven to work (or the first one issued); the status shows the key the
 * customer should authorise now. While they differ a rotation is in flight: the row's key is revoked only once the
 * new key has connected.
 */
@ControllerConfiguration(name = ByosConnectionReconciler.NAME)
public class ByosConnectionReconciler implements Reconciler<ByosConnection>, Cleaner<ByosConnection> {

  public static final String NAME = "byosconnection";
  public static final String ACTOR = "seedbox-operator/byosconnection";

  public static final String REASON_INVALID_SPEC = "InvalidSpec";
  public static final String REASON_CONNECTED = "Connected";
  public static final String REASON_AWAITING = "AwaitingAuthorization";
  public static final String REASON_HOST_KEY_MISMATCH = "HostKeyMismatch";
  public static final String REASON_HOST_CHANGE_REFUSED = "HostChangeRefused";
  public static final String REASON_HOST_KEY_REPINNED = "HostKeyRepinned";
  public static final String REASON_ADDRESS_REFUSED = "AddressRefused";
  public static final String REASON_UNREACHABLE = "Unreachable";
  public static final String REASON_VAULT_NOT_CONFIGURED = "VaultNotConfigured";
  public static final String REASON_KEY_MISSING = "KeyMissing";
  public static final String REASON_KEY_ISSUED = "KeyIssued";
  public static final String REASON_KEY_ROTATED = "KeyRotated";
  public static final String REASON_KEYS_REVOKED = "KeysRevoked";
  public static final String REASON_REVOCATION_FAILED = "RevocationFailed";

  private static final Logger LOG = LoggerFactory.getLogger(ByosConnectionReconciler.class);

  /**
   * How often to try again.
   *
   * @param awaitingRetry while the customer has not yet authorised the key (or the server is unreachable)
   * @param recheck a Connected (or Failed) connection is verified again this often
   */
  public record Timings(Duration awaitingRetry, Duration recheck) {
    public static final Timings DEFAULTS = new Timings(Duration.ofSeconds(15), Duration.ofMinutes(5));

    public Timings {
      Objects.requireNonNull(awaitingRetry, "awaitingRetry");
      Objects.requireNonNull(recheck, "recheck");
    }
  }

  private final PauseGate pauseGate;
  private final OperatorMetrics metrics;
  private final EventRecorder events;
  private final ByosKeys keys;
  private final ByosConnections connections;
  private final AuditLog audit;
  private final KubernetesClient client;
  private final Clock clock;
  private final Timings timings;
  private final KeyRevocations revocations;
  private final ReconcilePipeline<ByosConnection, ByosConnectionStatus> pipeline;

  public ByosConnectionReconciler(PauseGate pauseGate, OperatorMetrics metrics, EventRecorder events, ByosKeys keys,
      ByosConnections connections, AuditLog audit, KubernetesClient client, Clock clock, Timings timings) {
    this.pauseGate = pauseGate;
    this.metrics = metrics;
    this.events = events;
    this.keys = keys;
    this.connections = connections;
    this.audit = audit;
    this.client = client;
    this.clock = clock;
    this.timings = timings;
    this.revocations = new KeyRevocations(keys, audit, events, ACTOR);
    this.pipeline = new ReconcilePipeline<>("ByosConnection", metrics, pauseGate,
        new InvalidSpecGate(events, metrics, clock),
        new StatusRecorder<>(client, ByosConnectionStatus::new), c -> Boolean.TRUE.equals(c.getSpec().getPaused()),
        false);
  }

  @Override
  public UpdateControl<ByosConnection> reconcile(ByosConnection resource, Context<ByosConnection> context) {
    return pipeline.reconcile(resource, (connection, status) -> {
      status.setObservedGeneration(connection.getMetadata().getGeneration());
      return ReconcilePipeline.Outcome.after(step(connection, status));
    });
  }

  /**
   * What a customer's server must offer before the onboarding command is worth running: the operator installs each
   * Seedbox's client as a system user of its own with its own systemd unit, which takes root.
   */
  static String requirements(String user, int port) {
    return "Run the command as user '" + user + "' on a Debian or Ubuntu server with apt and systemd (x86_64, arm64, "
        + "armv7 or i686), reachable from the operator on SSH port " + port + ". That user needs sudo without a "
        + "password (for example the line '" + user + " ALL=(ALL) NOPASSWD: ALL' in /etc/sudoers.d/seedbox): each "
        + "seedbox gets its own system user, systemd unit and ports, and our helper script is installed at "
        + "/usr/local/libexec/seedbox/seedbox-host. Downloads go to /srv/seedbox, which needs the free space your "
        + "plan names.";
  }

  /** One pass: issue, record, verify. Returns when to look again. */
  private Duration step(ByosConnection resource, ByosConnectionStatus status) {
    ByosConnectionSpec spec = resource.getSpec();
    ConnectionIdentity identity = ConnectionIdentity.of(resource);
    String uid = resource.getMetadata().getUid();
    long rotation = spec.getRotation() == null ? 0 : spec.getRotation();
    SecretStoreKind storeKind = spec.getSecretStore() == null ? SecretStoreKind.KUBERNETES : spec.getSecretStore();
    int port = spec.getPort() == null ? 22 : spec.getPort();
    if (port < 1 || port > 65535) {
      // the schema bounds the port; an object stored behind its back must still fail once, not throw on every pass
      if (fail(resource, status, REASON_INVALID_SPEC, "spec.port must be 1..65535, found " + port
          + "; no key was issued")) {
        metrics.invalidResource("ByosConnection");
      }
      return timings.recheck();
    }
    SshTarget target = new SshTarget(spec.getHost(), port, spec.getUser());

    IssuedKey issued;
    try {
      issued = keys.issue(identity, rotation, storeKind);
    } catch (StoreUnavailableException e) {
      String message = "spec.secretStore is " + storeKind.wireName() + " but the operator has no Vault configured "
          + "(set SEEDBOX_VAULT_ADDR and SEEDBOX_VAULT_TOKEN); no key was issued";
      fail(resource, status, REASON_VAULT_NOT_CONFIGURED, message);
      return timings.recheck();
    }
    if (issued.newlyGenerated()) {
      audit.append(ACTOR, "byos.key-issued", resource(uid), Map.of("fingerprint", issued.fingerprint(),
          "secretRef", issued.secretRef().value(), "rotation", rotation, "store", storeKind.wireName()));
      events.normal(resource, REASON_KEY_ISSUED, "issued key " + issued.fingerprint() + " for rotation " + rotation
          + " in " + issued.secretRef().value() + "; run the onboarding command on the server");
    }

    if (!honourHostKeyRequest(resource, status, target)) {
      return timings.recheck();
    }
    ByosConnectionRecord row = recordConnection(resource, target, issued);
    revokeSupersededPendingKey(resource, status.getSecretRef(), issued, row);

    status.setPublicKey(issued.publicKeyLine());
    status.setFingerprint(issued.fingerprint());
    status.setOnboardingCommand(issued.onboardingCommand());
    status.setOnboardingRequirements(requirements(spec.getUser(), port));
    status.setSecretRef(issued.secretRef().value());
    status.setObservedRotation(rotation);
    ByosConnectionStatusAggregator.keyIssued(status, "key " + issued.fingerprint() + " (rotation " + rotation
        + ") is in " + issued.secretRef().value(), resource.getMetadata().getGeneration(), clock.instant());

    String specPin = spec.getAcceptHostKeyFingerprint() != null ? spec.getAcceptHostKeyFingerprint()
        : spec.getHostKeyFingerprint();
    if (specPin != null && row.pinnedHostKey() != null && !specPin.equals(row.pinnedHostKey())) {
      mismatch(resource, status, row.pinnedHostKey(), specPin, "spec.hostKeyFingerprint " + specPin
          + " differs from the host key pinned on first connection, expected " + row.pinnedHostKey());
      return timings.recheck();
    }
    String pinned = row.pinnedHostKey() != null ? row.pinnedHostKey() : specPin;
    boolean rotating = !row.secretRef().equals(issued.secretRef().value());
    SecretRef previous = rotating ? SecretRef.parse(row.secretRef()) : null;

    VerificationResult result;
    try {
      result = keys.verify(target, issued.secretRef(), pinned);
      if (result instanceof VerificationResult.Unreachable && status.getPhase() == ByosPhase.CONNECTED) {
        // one dropped handshake must not fail a working connection: its seedboxes' billing would be held for it
        result = keys.verify(target, issued.secretRef(), pinned);
      }
    } catch (KeyMissingException e) {
      fail(resource, status, REASON_KEY_MISSING, "the key at " + issued.secretRef().value()
          + " is gone from its store; bump spec.rotation to issue a new one");
      return timings.recheck();
    }
    if (result instanceof VerificationResult.Connected connected) {
      return connected(resource, status, row, issued, previous, connected);
    }
    if (result instanceof VerificationResult.AuthenticationRejected rejected) {
      status.setObservedHostKeyFingerprint(rejected.hostKeyFingerprint());
      awaiting(resource, status, REASON_AWAITING, rejected.message());
      return timings.awaitingRetry();
    }
    if (result instanceof VerificationResult.Unreachable unreachable) {
      if (status.getPhase() == ByosPhase.CONNECTED || status.getPhase() == ByosPhase.FAILED) {
        fail(resource, status, REASON_UNREACHABLE, unreachable.message());
      } else {
        awaiting(resource, status, REASON_UNREACHABLE, unreachable.message());
      }
      return timings.awaitingRetry();
    }
    if (result instanceof VerificationResult.HostKeyMismatch m) {
      mismatch(resource, status, m.expected(), m.found(), m.message());
      return timings.recheck();
    }
    if (!(result instanceof VerificationResult.AddressRefused refused)) {
      throw new IllegalStateException("unhandled verification result " + result);
    }
    if (fail(resource, status, REASON_ADDRESS_REFUSED, refused.message())) {
      audit.append(ACTOR, "byos.address-refused", resource(uid), Map.of("host", target.host(),
          "reason", refused.reason()));
    }
    return timings.recheck();
  }

  private Duration connected(ByosConnection resource, ByosConnectionStatus status, ByosConnectionRecord row,
      IssuedKey issued, SecretRef previous, VerificationResult.Connected connected) {
    String uid = resource.getMetadata().getUid();
    HostKeyPin pin = connections.pinHostKey(uid, connected.hostKeyFingerprint(), ACTOR);
    if (pin instanceof HostKeyPin.Mismatch m) {
      mismatch(resource, status, m.pinned(), m.presented(), "host key mismatch: expected " + m.pinned() + ", found "
          + m.presented());
      return timings.recheck();
    }
    if (previous != null) {
      // the new key connected: the old one goes (unless it is not ours to revoke) and the row follows the new key
      boolean revoked = revocations.revoke(resource, previous);
      connections.upsert(ByosConnectionRecord.of(uid, row.namespace(), row.name(), row.host(), row.port(),
          row.user(), issued.publicKeyLine(), issued.fingerprint(), issued.secretRef().value()), ACTOR);
      if (revoked) {
        audit.append(ACTOR, "byos.key-revoked", resource(uid), Map.of("secretRef", previous.value(),
            "why", "rotated: the key of rotation " + issued.rotation() + " verified"));
      }
      events.normal(resource, REASON_KEY_ROTATED, "key " + issued.fingerprint() + " verified; previous key "
          + previous.value() + (revoked ? " revoked" : " left alone: not this connection's key"));
    }
    boolean newlyConnected = status.getPhase() != ByosPhase.CONNECTED;
    ByosConnectionStatusAggregator.connected(status, connected.hostKeyFingerprint(), connected.message(),
        resource.getMetadata().getGeneration(), clock.instant());
    if (newlyConnected) {
      audit.append(ACTOR, "byos.connected", resource(uid), Map.of("fingerprint", issued.fingerprint(),
          "hostKey", connected.hostKeyFingerprint(), "hostKeyPinned", pin instanceof HostKeyPin.Pinned));
      LOG.info("ByosConnection {}: connected with key {}, host key {}", who(resource), issued.fingerprint(),
          connected.hostKeyFingerprint());
      events.normal(resource, REASON_CONNECTED, connected.message()
          + (pin instanceof HostKeyPin.Pinned ? " (pinned)" : ""));
    }
    return timings.recheck();
  }

  /**
   * Applies a re-pin the spec asks for, or refuses a move of a pinned connection (condition, Event, audit). Returns
   * false when the connection must not be verified now.
   */
  private boolean honourHostKeyRequest(ByosConnection resource, ByosConnectionStatus status, SshTarget target) {
    String uid = resource.getMetadata().getUid();
    ByosConnectionRecord row = connections.find(uid).orElse(null);
    EndpointChange change = EndpointChange.of(row, target, resource.getSpec().getAcceptHostKeyFingerprint());
    if (change instanceof EndpointChange.Refused refused) {
      if (fail(resource, status, REASON_HOST_CHANGE_REFUSED, refused.message())) {
        audit.append(ACTOR, "byos.host-change-refused", resource(uid), Map.of("pinnedHostKey", row.pinnedHostKey(),
            "host", row.host(), "port", row.port(), "requestedHost", target.host(), "requestedPort", target.port()));
      }
      return false;
    }
    if (change instanceof EndpointChange.Repin repin) {
      connections.repin(uid, target.host(), target.port(), repin.hostKey(), ACTOR);
      String message = "host key " + repin.hostKey() + " accepted for " + target.host() + ":" + target.port()
          + " in place of " + row.pinnedHostKey() + " (spec.acceptHostKeyFingerprint)";
      LOG.info("ByosConnection {}: {}", who(resource), message);
      events.normal(resource, REASON_HOST_KEY_REPINNED, message);
    }
    return true;
  }

  /** Writes the row on first sight; afterwards keeps its key (a rotation moves it once verified) and follows spec. */
  private ByosConnectionRecord recordConnection(ByosConnection resource, SshTarget target, IssuedKey issued) {
    String uid = resource.getMetadata().getUid();
    String namespace = resource.getMetadata().getNamespace();
    String name = resource.getMetadata().getName();
    Optional<ByosConnectionRecord> existing = connections.find(uid);
    ByosConnectionRecord wanted = existing
        .map(r -> ByosConnectionRecord.of(uid, namespace, name, target.host(), target.port(), target.user(),
            r.publicKey(), r.fingerprint(), r.secretRef()))
        .orElseGet(() -> ByosConnectionRecord.of(uid, namespace, name, target.host(), target.port(), target.user(),
            issued.publicKeyLine(), issued.fingerprint(), issued.secretRef().value()));
    if (existing.isPresent() && sameEndpoint(existing.get(), wanted)) {
      return existing.get();
    }
    return connections.upsert(wanted, ACTOR);
  }

  private static boolean sameEndpoint(ByosConnectionRecord a, ByosConnectionRecord b) {
    return a.host().equals(b.host()) && a.port() == b.port() && a.user().equals(b.user())
        && Objects.equals(a.namespace(), b.namespace()) && Objects.equals(a.name(), b.name());
  }

  /**
   * A key shown for an earlier rotation that never verified, replaced by a newer rotation before it did: nobody can
   * be relying on it, so it goes now rather than lingering in the store.
   */
  private void revokeSupersededPendingKey(ByosConnection resource, String shownRef, IssuedKey issued,
      ByosConnectionRecord row) {
    if (shownRef == null || shownRef.equals(issued.secretRef().value()) || shownRef.equals(row.secretRef())) {
      return;
    }
    SecretRef superseded = SecretRef.parse(shownRef);
    if (!revocations.revoke(resource, superseded)) {
      return;
    }
    audit.append(ACTOR, "byos.key-revoked", resource(resource.getMetadata().getUid()), Map.of(
        "secretRef", shownRef, "why", "superseded by rotation " + issued.rotation() + " before it verified"));
  }

  private void awaiting(ByosConnection resource, ByosConnectionStatus status, String reason, String message) {
    if (notReady(resource, status, ByosPhase.AWAITING_AUTHORIZATION, reason, message)) {
      LOG.info("ByosConnection {}: awaiting authorisation ({}): {}", who(resource), reason, message);
      events.normal(resource, reason, message);
    }
  }

  /** Phase Failed with a reason; an Event and a log line when the reason is new. Returns true when it was new. */
  private boolean fail(ByosConnection resource, ByosConnectionStatus status, String reason, String message) {
    boolean changed = notReady(resource, status, ByosPhase.FAILED, reason, message);
    if (changed) {
      LOG.warn("ByosConnection {}: failed ({}): {}", who(resource), reason, message);
      events.warning(resource, reason, message);
    }
    return changed;
  }

  /** Sets the phase and Ready=False with the reason; true when the phase or the reason is new. */
  private boolean notReady(ByosConnection resource, ByosConnectionStatus status, ByosPhase phase, String reason,
      String message) {
    return ByosConnectionStatusAggregator.notReady(status, phase, reason, message,
        resource.getMetadata().getGeneration(), clock.instant());
  }

  private void mismatch(ByosConnection resource, ByosConnectionStatus status, String expected, String found,
      String message) {
    status.setObservedHostKeyFingerprint(found);
    if (fail(resource, status, REASON_HOST_KEY_MISMATCH, message)) {
      audit.append(ACTOR, "byos.host-key-mismatch", resource(resource.getMetadata().getUid()),
          Map.of("expected", expected, "found", found));
    }
  }

  @Override
  public DeleteControl cleanup(ByosConnection resource, Context<ByosConnection> context) {
    return pipeline.cleanup(resource, (connection, status) -> cleanupOnce(connection), timings.recheck());
  }

  /** Revokes every key the connection holds (the shown one and the row's), audited; the row stays as history. */
  private ReconcilePipeline.Outcome cleanupOnce(ByosConnection resource) {
    String uid = resource.getMetadata().getUid();
    Set<String> refs = new LinkedHashSet<>();
    if (resource.getStatus() != null && resource.getStatus().getSecretRef() != null) {
      refs.add(resource.getStatus().getSecretRef());
    }
    connections.find(uid).ifPresent(r -> refs.add(r.secretRef()));
    Set<String> refused = new LinkedHashSet<>();
    try {
      for (String ref : refs) {
        if (!revocations.revoke(resource, SecretRef.parse(ref))) {
          refused.add(ref);
        }
      }
    } catch (StoreUnavailableException e) {
      String message = "cannot revoke " + refs + ": " + e.getMessage() + "; deletion waits until the store is "
          + "reachable";
      LOG.warn("ByosConnection {}: {}", who(resource), message);
      events.warning(resource, REASON_REVOCATION_FAILED, message);
      return ReconcilePipeline.Outcome.after(timings.recheck());
    }
    refs.removeAll(refused);
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("secretRefs", refs);
    detail.put("refusedSecretRefs", refused);
    detail.put("namespace", resource.getMetadata().getNamespace());
    detail.put("name", resource.getMetadata().getName());
    audit.append(ACTOR, "byos.revoked", resource(uid), detail);
    LOG.info("ByosConnection {}: deleted, keys {} revoked", who(resource), refs);
    events.normal(resource, REASON_KEYS_REVOKED, "connection deleted: keys " + refs + " revoked");
    return ReconcilePipeline.Outcome.removeFinalizerNow();
  }

  private static String resource(String uid) {
    return "byosconnection:" + uid;
  }

  private static String who(ByosConnection resource) {
    return resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
  }
}

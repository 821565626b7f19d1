package dev.seedbox.operator.byos;

import dev.seedbox.api.v1alpha1.ByosConnection;
import dev.seedbox.keys.ByosKeys;
import dev.seedbox.keys.store.ConnectionIdentity;
import dev.seedbox.keys.store.RevocationRefusedException;
import dev.seedbox.keys.store.SecretRef;
import dev.seedbox.ledger.audit.AuditLog;
import dev.seedbox.operator.reconcile.EventRecorder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revokes one of a connection's keys. The references come from the database row and the custom resource's status,
 * which others can write, so the store refuses anything that is not this connection's key; a refusal is audited,
 * warned about, and otherwise ignored: there is nothing of ours to revoke at that reference.
 */
final class KeyRevocations {

  static final String REASON_REVOCATION_REFUSED = "RevocationRefused";

  private static final Logger LOG = LoggerFactory.getLogger(KeyRevocations.class);

  private final ByosKeys keys;
  private final AuditLog audit;
  private final EventRecorder events;
  private final String actor;

  KeyRevocations(ByosKeys keys, AuditLog audit, EventRecorder events, String actor) {
    this.keys = keys;
    this.audit = audit;
    this.events = events;
    this.actor = actor;
  }

  /** True when the key is gone (revoked now or before); false when the store refused the reference. */
  boolean revoke(ByosConnection resource, SecretRef ref) {
    ConnectionIdentity owner = ConnectionIdentity.of(resource);
    try {
      keys.revoke(owner, ref);
      return true;
    } catch (RevocationRefusedException e) {
      Map<String, Object> detail = new LinkedHashMap<>();
      detail.put("secretRef", ref.value());
      detail.put("why", e.getMessage());
      audit.append(actor, "byos.revocation-refused", "byosconnection:" + resource.getMetadata().getUid(), detail);
      LOG.warn("ByosConnection {}: {}", owner, e.getMessage());
      events.warning(resource, REASON_REVOCATION_REFUSED, e.getMessage());
      return false;
    }
  }
}

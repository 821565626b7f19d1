package dev.seedbox.operator.byos;

import dev.seedbox.keys.verify.SshTarget;
import dev.seedbox.ledger.byos.ByosConnectionRecord;

/**
 * What the spec's host, port and {@code acceptHostKeyFingerprint} mean for a connection as PostgreSQL keeps it. A
 * pinned host key belongs to the server it was taken from: pointing the connection elsewhere, or trusting another
 * key, needs the customer to name the key they accept. Pure: the reconciler acts on the answer.
 */
sealed interface EndpointChange {

  /** Nothing pinned yet, or nothing about the pin changes: the row simply follows the spec. */
  record Follow() implements EndpointChange {}

  /** The customer accepts {@code hostKey} (and, with it, the spec's host and port): an audited re-pin. */
  record Repin(String hostKey) implements EndpointChange {}

  /** A pinned connection asked to move without naming the key to accept; the row keeps its host, port and pin. */
  record Refused(String message) implements EndpointChange {}

  static EndpointChange of(ByosConnectionRecord row, SshTarget wanted, String acceptedHostKey) {
    if (row == null || row.pinnedHostKey() == null) {
      return new Follow();
    }
    boolean moved = !row.host().equals(wanted.host()) || row.port() != wanted.port();
    if (acceptedHostKey != null && (moved || !acceptedHostKey.equals(row.pinnedHostKey()))) {
      return new Repin(acceptedHostKey);
    }
    if (moved) {
      return new Refused("spec asks for " + wanted.host() + ":" + wanted.port() + " but host key "
          + row.pinnedHostKey() + " is pinned for " + row.host() + ":" + row.port() + "; to move the connection, "
          + "set spec.acceptHostKeyFingerprint to the new server's host key (or create a new ByosConnection)");
    }
    return new Follow();
  }
}

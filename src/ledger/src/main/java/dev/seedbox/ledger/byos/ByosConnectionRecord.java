package dev.seedbox.ledger.byos;

import java.time.Instant;
import java.util.Objects;

/**
 * A BYOS connection as PostgreSQL keeps it: where to connect, our public key and its fingerprint, a reference to
 * where the private key lives (a Secret or Vault), and the pinned host key. Never private key material.
 */
public record ByosConnectionRecord(
    String uid,
    String namespace,
    String name,
    String host,
    int port,
    String user,
    String publicKey,
    String fingerprint,
    String secretRef,
    String pinnedHostKey,
    Instant pinnedAt) {

  public ByosConnectionRecord {
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(secretRef, "secretRef");
    if (publicKey.contains("PRIVATE KEY") || secretRef.contains("PRIVATE KEY")) {
      throw new IllegalArgumentException("BYOS connection " + uid + ": expected a public key and a secret reference, "
          + "found private key material");
    }
  }

  /** A connection as the reconciler describes it, before any host key is pinned. */
  public static ByosConnectionRecord of(String uid, String namespace, String name, String host, int port, String user,
      String publicKey, String fingerprint, String secretRef) {
    return new ByosConnectionRecord(uid, namespace, name, host, port, user, publicKey, fingerprint, secretRef, null,
        null);
  }
}

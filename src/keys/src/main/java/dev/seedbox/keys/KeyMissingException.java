package dev.seedbox.keys;

import dev.seedbox.keys.store.SecretRef;

/** The store no longer holds the key a reference points to (revoked, or deleted by hand): issue a new one. */
public class KeyMissingException extends RuntimeException {

  public KeyMissingException(SecretRef ref) {
    super("expected a private key at " + ref + ", found none (revoked or deleted); bump spec.rotation to issue a new key");
  }
}

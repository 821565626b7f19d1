package dev.seedbox.keys;

import dev.seedbox.keys.key.OpenSshPublicKey;
import dev.seedbox.keys.store.SecretRef;

/**
 * What the reconciler records for one rotation of a connection: everything here is public (status, PostgreSQL row).
 *
 * @param newlyGenerated false when the key for this rotation was already in the store and was reused
 */
public record IssuedKey(OpenSshPublicKey publicKey, String fingerprint, String onboardingCommand, SecretRef secretRef,
    long rotation, boolean newlyGenerated) {

  /** {@code ssh-ed25519 <base64> <comment>}, for {@code status.publicKey}. */
  public String publicKeyLine() {
    return publicKey.line();
  }
}

package dev.seedbox.keys.store;

import dev.seedbox.api.v1alpha1.SecretStoreKind;
import dev.seedbox.keys.key.PrivateKeyMaterial;
import java.util.Optional;

/**
 * Keeps BYOS private keys. The only place key material goes; everything else holds a {@link SecretRef}.
 * Implementations never put a secret value into an exception message or a log line.
 */
public interface SecretStore {

  SecretStoreKind kind();

  /**
   * Stores the key of {@code slot}. Idempotent: storing the same key again returns the same reference. A slot already
   * holding a different key fails with {@link SecretConflictException} (keys are immutable: rotate instead).
   */
  SecretRef put(KeySlot slot, PrivateKeyMaterial key);

  /** The reference of the key stored for {@code slot}, if there is one. */
  Optional<SecretRef> find(KeySlot slot);

  /** The key behind {@code ref}, or empty if it is gone (deleted or destroyed). */
  Optional<PrivateKeyMaterial> get(SecretRef ref);

  /**
   * Revokes the key behind {@code ref} so that it cannot be read back; deleting what is gone is not an error. Only a
   * key this store made for {@code owner} is deleted: anything else fails with {@link RevocationRefusedException} and
   * stays untouched.
   */
  void delete(ConnectionIdentity owner, SecretRef ref);
}

package dev.seedbox.keys;

import dev.seedbox.api.v1alpha1.SecretStoreKind;
import dev.seedbox.keys.key.Ed25519Keys;
import dev.seedbox.keys.key.PrivateKeyMaterial;
import dev.seedbox.keys.key.SshKeyPair;
import dev.seedbox.keys.onboarding.OnboardingCommand;
import dev.seedbox.keys.store.ConnectionIdentity;
import dev.seedbox.keys.store.KeySlot;
import dev.seedbox.keys.store.SecretConflictException;
import dev.seedbox.keys.store.SecretRef;
import dev.seedbox.keys.store.SecretStore;
import dev.seedbox.keys.verify.SshTarget;
import dev.seedbox.keys.verify.SshVerifier;
import dev.seedbox.keys.verify.VerificationResult;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the ByosConnectionReconciler calls: issue a key for a rotation, verify a connection with it, revoke it.
 * Private keys go from the generator to a {@link SecretStore} and from the store to the SSH client, and nowhere
 * else; what this class returns and logs is public.
 *
 * <p>A reconcile of a connection at rotation {@code n} is: {@link #issue} (idempotent: a rerun returns the same key),
 * show the onboarding command, then {@link #verify} until it connects; when {@code n > 0} and a previous key exists,
 * {@link #verifyAndRevokePrevious} revokes the previous key only once the new one has connected.
 */
public final class ByosKeys {

  private static final Logger LOG = LoggerFactory.getLogger(ByosKeys.class);

  private final Map<SecretStoreKind, SecretStore> stores;
  private final Ed25519Keys keys;
  private final SshVerifier verifier;

  public ByosKeys(List<SecretStore> stores, Ed25519Keys keys, SshVerifier verifier) {
    this.stores = new EnumMap<>(SecretStoreKind.class);
    for (SecretStore store : stores) {
      this.stores.put(store.kind(), store);
    }
    this.keys = keys;
    this.verifier = verifier;
  }

  /** {@code seedbox:<namespace>/<name>#<rotation>}: the comment that names the connection in authorized_keys. */
  public static String comment(ConnectionIdentity connection, long rotation) {
    return "seedbox:" + connection.namespace() + "/" + connection.name() + "#" + rotation;
  }

  /**
   * The key of {@code connection} for {@code rotation}, generated and stored on first call, read back from the store on
   * every later call (so the onboarding command a customer already ran stays valid across reconciles and restarts).
   */
  public IssuedKey issue(ConnectionIdentity connection, long rotation, SecretStoreKind storeKind) {
    SecretStore store = store(storeKind);
    KeySlot slot = new KeySlot(connection, rotation);
    Optional<IssuedKey> existing = existing(store, slot);
    if (existing.isPresent()) {
      return existing.get();
    }
    SshKeyPair generated = keys.generate(comment(connection, rotation));
    SecretRef ref;
    try {
      ref = store.put(slot, generated.privateKey());
    } catch (SecretConflictException e) {
      // another reconcile stored its key for this slot between our find and put: use that one, ours is discarded
      generated.privateKey().wipe();
      return existing(store, slot).orElseThrow(() -> e);
    }
    generated.privateKey().wipe();
    IssuedKey issued = new IssuedKey(generated.publicKey(), generated.publicKey().fingerprint(),
        OnboardingCommand.forKey(generated.publicKey()), ref, rotation, true);
    LOG.info("byos {}: issued key {} for rotation {} in {}", connection, issued.fingerprint(), rotation, ref);
    return issued;
  }

  /**
   * Verifies the connection with the key at {@code secretRef}.
   *
   * @param pinnedFingerprint the host key to insist on, or null before the first successful connection
   * @throws KeyMissingException if the store no longer has the key
   */
  public VerificationResult verify(String host, int port, String user, SecretRef secretRef,
      String pinnedFingerprint) {
    return verify(new SshTarget(host, port, user), secretRef, pinnedFingerprint);
  }

  public VerificationResult verify(SshTarget target, SecretRef secretRef, String pinnedFingerprint) {
    PrivateKeyMaterial material = store(secretRef.kind()).get(secretRef)
        .orElseThrow(() -> new KeyMissingException(secretRef));
    try {
      return verifier.verify(target, keys.read(material), pinnedFingerprint);
    } finally {
      material.wipe();
    }
  }

  /**
   * The connection's key pair, for the host channel to manage the customer's server with. The caller keeps it in
   * memory only.
   *
   * @throws KeyMissingException if the store no longer has the key
   */
  public SshKeyPair keyPair(SecretRef secretRef) {
    return keys.read(store(secretRef.kind()).get(secretRef).orElseThrow(() -> new KeyMissingException(secretRef)));
  }

  /**
   * The last step of a rotation: verify with the new key and, only if that connected, revoke the previous key. A
   * failure leaves the previous key in place, so the server stays reachable with it.
   */
  public VerificationResult verifyAndRevokePrevious(SshTarget target, ConnectionIdentity owner, SecretRef current,
      String pinnedFingerprint, SecretRef previous) {
    VerificationResult result = verify(target, current, pinnedFingerprint);
    if (result instanceof VerificationResult.Connected && previous != null && !previous.equals(current)) {
      revoke(owner, previous);
      LOG.info("byos {}: new key {} verified, previous key {} revoked", target, current, previous);
    } else if (previous != null && !(result instanceof VerificationResult.Connected)) {
      LOG.info("byos {}: keeping previous key {} until the new key {} verifies", target, previous, current);
    }
    return result;
  }

  /**
   * Removes the key at {@code secretRef} from its store for good; revoking a revoked key does nothing.
   *
   * @throws dev.seedbox.keys.store.RevocationRefusedException if the reference is not a key we made for {@code owner}
   */
  public void revoke(ConnectionIdentity owner, SecretRef secretRef) {
    store(secretRef.kind()).delete(owner, secretRef);
    LOG.info("byos {}: revoked key {}", owner, secretRef);
  }

  private Optional<IssuedKey> existing(SecretStore store, KeySlot slot) {
    Optional<SecretRef> ref = store.find(slot);
    if (ref.isEmpty()) {
      return Optional.empty();
    }
    Optional<PrivateKeyMaterial> material = store.get(ref.get());
    if (material.isEmpty()) {
      return Optional.empty();
    }
    SshKeyPair pair;
    try {
      pair = keys.read(material.get());
    } finally {
      material.get().wipe();
    }
    return Optional.of(new IssuedKey(pair.publicKey(), pair.publicKey().fingerprint(),
        OnboardingCommand.forKey(pair.publicKey()), ref.get(), slot.rotation(), false));
  }

  private SecretStore store(SecretStoreKind kind) {
    SecretStore store = stores.get(kind);
    if (store == null) {
      throw new StoreUnavailableException(kind, kind == SecretStoreKind.VAULT
          ? "set SEEDBOX_VAULT_ADDR and SEEDBOX_VAULT_TOKEN to enable Vault" : "no store of that kind was wired");
    }
    return store;
  }
}

package dev.seedbox.operator.host;

import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.keys.key.Ed25519Keys;
import dev.seedbox.keys.key.KeyFormatException;
import dev.seedbox.keys.key.PrivateKeyMaterial;
import dev.seedbox.keys.key.SshKeyPair;
import dev.seedbox.keys.store.ConnectionIdentity;
import dev.seedbox.keys.store.KeySlot;
import dev.seedbox.keys.store.SecretConflictException;
import dev.seedbox.keys.store.SecretRef;
import dev.seedbox.keys.store.SecretStore;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecretList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys of the servers we create, one pair per Seedbox, kept in the Secret {@code <seedbox>-server-keys}
 * (owner-referenced to the Seedbox, so deleted with it) and nowhere else: not in PostgreSQL, the custom resource, a
 * log or an event. They are made before the server is created, so a create retried after a lost answer boots with
 * the same keys. Keys never change for a server's life, so each is read once per process and then served from
 * memory. With Vault configured for them they are kept there instead, one KV path per key
 * ({@code <prefix>/<namespace>/<seedbox>-management-key-0} and {@code -host-key-0}), and destroyed when the Seedbox
 * is terminated; no Secret is made.
 */
public final class ServerKeys {

  static final String SUFFIX = "-server-keys";
  static final String MANAGEMENT_KEY = "management-key";
  static final String HOST_KEY = "host-key";
  private static final String MANAGEMENT_ROLE = "management";
  private static final String HOST_ROLE = "host";

  private final KubernetesClient client;
  private final Ed25519Keys keys;
  private final Map<String, ServerKeyPair> byUid = new ConcurrentHashMap<>();
  private final SecretStore vault;

  public ServerKeys(KubernetesClient client, Ed25519Keys keys) {
    this(client, keys, null);
  }

  /** @param vault where the keys are kept instead of a Secret per Seedbox; null keeps them in Secrets */
  public ServerKeys(KubernetesClient client, Ed25519Keys keys, SecretStore vault) {
    this.client = client;
    this.keys = keys;
    this.vault = vault;
  }

  public static String secretName(Seedbox seedbox) {
    return seedbox.getMetadata().getName() + SUFFIX;
  }

  /** The Seedbox's keys, made and stored when it has none yet. */
  public ServerKeyPair ensure(Seedbox seedbox) {
    ServerKeyPair known = byUid.get(seedbox.getMetadata().getUid());
    if (known != null) {
      return known;
    }
    String comment = "seedbox-" + seedbox.getMetadata().getUid();
    if (vault != null) {
      ServerKeyPair pair = new ServerKeyPair(inVault(seedbox, MANAGEMENT_ROLE, comment),
          inVault(seedbox, HOST_ROLE, comment + "-host"));
      byUid.put(seedbox.getMetadata().getUid(), pair);
      return pair;
    }
    // create first: a new Seedbox has none, and an existing Secret answers 409 (read then), saving a read per order
    ServerKeyPair fresh = new ServerKeyPair(keys.generate(comment), keys.generate(comment + "-host"));
    try {
      secrets(seedbox).resource(build(seedbox, fresh)).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // another pass made them first: theirs are the ones a server may already carry
      return find(seedbox).orElseThrow(() -> new IllegalStateException("Secret " + secretName(seedbox)
          + " was created concurrently and then vanished; the next pass makes new keys"));
    }
    byUid.put(seedbox.getMetadata().getUid(), fresh);
    return fresh;
  }

  /**
   * The Seedbox's keys, or empty when it has none (its server was made before servers got keys, or someone deleted
   * the Secret: then the server can no longer be managed over SSH).
   */
  public Optional<ServerKeyPair> find(Seedbox seedbox) {
    String uid = seedbox.getMetadata().getUid();
    ServerKeyPair cached = byUid.get(uid);
    if (cached != null) {
      return Optional.of(cached);
    }
    if (vault != null) {
      Optional<SshKeyPair> management = readVault(slot(seedbox, MANAGEMENT_ROLE));
      Optional<SshKeyPair> host = readVault(slot(seedbox, HOST_ROLE));
      if (management.isEmpty() || host.isEmpty()) {
        return Optional.empty();
      }
      ServerKeyPair read = new ServerKeyPair(management.get(), host.get());
      byUid.put(uid, read);
      return Optional.of(read);
    }
    Secret secret = secrets(seedbox).withName(secretName(seedbox)).get();
    if (secret == null || !owned(secret, uid)) {
      return Optional.empty();
    }
    ServerKeyPair read = new ServerKeyPair(read(secret, MANAGEMENT_KEY), read(secret, HOST_KEY));
    byUid.put(uid, read);
    return Optional.of(read);
  }

  public void forget(String uid) {
    byUid.remove(uid);
  }

  /**
   * Once the server is gone: destroys the keys kept in Vault (deleting what is gone is fine) and says whether there
   * were any. Keys in a Secret go with the Seedbox through its owner reference.
   */
  public boolean release(Seedbox seedbox) {
    forget(seedbox.getMetadata().getUid());
    if (vault == null) {
      return false;
    }
    boolean destroyed = false;
    for (String role : new String[] {MANAGEMENT_ROLE, HOST_ROLE}) {
      KeySlot slot = slot(seedbox, role);
      Optional<SecretRef> ref = vault.find(slot);
      if (ref.isPresent()) {
        vault.delete(slot.connection(), ref.get());
        destroyed = true;
      }
    }
    return destroyed;
  }

  /** The key kept in Vault for {@code role}, made and stored when there is none. */
  private SshKeyPair inVault(Seedbox seedbox, String role, String comment) {
    KeySlot slot = slot(seedbox, role);
    Optional<SshKeyPair> stored = readVault(slot);
    if (stored.isPresent()) {
      return stored.get();
    }
    SshKeyPair fresh = keys.generate(comment);
    try {
      vault.put(slot, fresh.privateKey());
      return fresh;
    } catch (SecretConflictException e) {
      // another pass stored one first: theirs is the one a server may already carry
      return readVault(slot).orElseThrow(() -> new IllegalStateException("the " + role + " key of Seedbox "
          + seedbox.getMetadata().getName() + " was stored concurrently and then vanished; the next pass makes one"));
    }
  }

  private Optional<SshKeyPair> readVault(KeySlot slot) {
    return vault.find(slot).flatMap(vault::get).map(keys::read);
  }

  /** One key's place in Vault: the Seedbox's name with the key's role, rotation 0 (a server's keys never change). */
  private static KeySlot slot(Seedbox seedbox, String role) {
    return new KeySlot(new ConnectionIdentity(seedbox.getMetadata().getNamespace(),
        seedbox.getMetadata().getName() + "-" + role, seedbox.getMetadata().getUid()), 0);
  }

  private static boolean owned(Secret secret, String uid) {
    return secret.getMetadata().getOwnerReferences() != null
        && secret.getMetadata().getOwnerReferences().stream().anyMatch(o -> uid.equals(o.getUid()));
  }

  private SshKeyPair read(Secret secret, String key) {
    String value = secret.getData() == null ? null : secret.getData().get(key);
    if (value == null) {
      throw new KeyFormatException("Secret " + secret.getMetadata().getName() + " has no key '" + key + "'");
    }
    return keys.read(PrivateKeyMaterial.ofOpenSsh(Base64.getDecoder().decode(value)));
  }

  private NonNamespaceOperation<Secret, SecretList, Resource<Secret>> secrets(Seedbox seedbox) {
    return client.secrets().inNamespace(seedbox.getMetadata().getNamespace());
  }

  private static Secret build(Seedbox seedbox, ServerKeyPair pair) {
    return new SecretBuilder()
        .withNewMetadata()
          .withName(secretName(seedbox))
          .withNamespace(seedbox.getMetadata().getNamespace())
          .withLabels(Map.of("app.kubernetes.io/managed-by", "seedbox-operator",
              "seedbox.dev/seedbox", seedbox.getMetadata().getName()))
          .withAnnotations(Map.of(
              "seedbox.dev/management-key", pair.management().publicKey().fingerprint(),
              "seedbox.dev/host-key", pair.host().publicKey().fingerprint()))
          .withOwnerReferences(new OwnerReferenceBuilder()
              .withApiVersion(seedbox.getApiVersion())
              .withKind(seedbox.getKind())
              .withName(seedbox.getMetadata().getName())
              .withUid(seedbox.getMetadata().getUid())
              .withController(true)
              .withBlockOwnerDeletion(true)
              .build())
        .endMetadata()
        .withType("Opaque")
        .withData(Map.of(
            MANAGEMENT_KEY, Base64.getEncoder().encodeToString(pair.management().privateKey().openSshBytes()),
            HOST_KEY, Base64.getEncoder().encodeToString(pair.host().privateKey().openSshBytes())))
        .build();
  }
}

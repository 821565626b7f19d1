package dev.seedbox.operator.host;

import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.keys.key.Ed25519Keys;
import dev.seedbox.keys.key.KeyFormatException;
import dev.seedbox.keys.key.PrivateKeyMaterial;
import dev.seedbox.keys.key.SshKeyPair;
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
 * the same keys. Keys never change for a server's life, so each is read from the API once per process and then
 * served from memory.
 */
public final class ServerKeys {

  static final String SUFFIX = "-server-keys";
  static final String MANAGEMENT_KEY = "management-key";
  static final String HOST_KEY = "host-key";

  private final KubernetesClient client;
  private final Ed25519Keys keys;
  private final Map<String, ServerKeyPair> byUid = new ConcurrentHashMap<>();

  public ServerKeys(KubernetesClient client, Ed25519Keys keys) {
    this.client = client;
    this.keys = keys;
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
    // create first: a new Seedbox has none, and an existing Secret answers 409 (read then), saving a read per order
    String comment = "seedbox-" + seedbox.getMetadata().getUid();
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

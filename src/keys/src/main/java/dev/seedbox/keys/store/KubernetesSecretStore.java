package dev.seedbox.keys.store;

import dev.seedbox.api.v1alpha1.ByosConnection;
import dev.seedbox.api.v1alpha1.SecretStoreKind;
import dev.seedbox.keys.key.PrivateKeyMaterial;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each key in its own immutable Secret {@code <connection>-key-<rotation>} of type {@code kubernetes.io/ssh-auth}
 * (data key {@code ssh-privatekey}) in the connection's namespace, owner-referenced to the ByosConnection.
 *
 * <p>Failures are reported by HTTP code and Kubernetes reason only: the client's own messages are not chained,
 * because nothing guarantees that an API server's answer to a create never echoes what it was sent.
 */
public final class KubernetesSecretStore implements SecretStore {

  public static final String DATA_KEY = "ssh-privatekey";
  public static final String SECRET_TYPE = "kubernetes.io/ssh-auth";
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY = "seedbox-operator";
  public static final String CONNECTION_LABEL = "seedbox.dev/byos-connection";
  public static final String ROTATION_LABEL = "seedbox.dev/key-rotation";

  private static final Logger LOG = LoggerFactory.getLogger(KubernetesSecretStore.class);

  private final KubernetesClient client;

  public KubernetesSecretStore(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public SecretStoreKind kind() {
    return SecretStoreKind.KUBERNETES;
  }

  @Override
  public SecretRef put(KeySlot slot, PrivateKeyMaterial key) {
    ConnectionIdentity connection = slot.connection();
    if (connection.uid() == null || connection.uid().isBlank()) {
      throw new IllegalArgumentException("expected the uid of ByosConnection " + connection
          + " to owner-reference its key Secret, found none");
    }
    KubernetesSecretRef ref = new KubernetesSecretRef(connection.namespace(), slot.secretName(), DATA_KEY);
    Secret secret = new SecretBuilder()
        .withNewMetadata()
        .withNamespace(ref.namespace())
        .withName(ref.name())
        .withLabels(Map.of(
            MANAGED_BY_LABEL, MANAGED_BY,
            CONNECTION_LABEL, connection.name(),
            ROTATION_LABEL, Long.toString(slot.rotation())))
        .withOwnerReferences(ownerReference(connection))
        .endMetadata()
        .withType(SECRET_TYPE)
        .withImmutable(true)
        .withData(Map.of(DATA_KEY, Base64.getEncoder().encodeToString(key.openSshBytes())))
        .build();
    try {
      client.secrets().inNamespace(ref.namespace()).resource(secret).create();
      LOG.info("{}: created key Secret {}/{} for rotation {}", connection, ref.namespace(), ref.name(),
          slot.rotation());
      return ref;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw failure("create", ref, e);
      }
    }
    // Already there: the same key again is a harmless retry; anything else must not be silently replaced.
    Secret existing = read(ref);
    if (existing == null) {
      throw new SecretStoreException("create of Secret " + ref.namespace() + "/" + ref.name()
          + " conflicted, but the Secret is gone now; retry");
    }
    checkManaged(existing, ref);
    Optional<PrivateKeyMaterial> stored = decode(existing, ref);
    if (stored.isPresent() && stored.get().sameAs(key)) {
      return ref;
    }
    throw new SecretConflictException("expected Secret " + ref.namespace() + "/" + ref.name()
        + " to be absent or to hold this key, found a different key; keys are immutable, bump spec.rotation instead");
  }

  @Override
  public Optional<SecretRef> find(KeySlot slot) {
    KubernetesSecretRef ref = new KubernetesSecretRef(slot.connection().namespace(), slot.secretName(), DATA_KEY);
    Secret existing = read(ref);
    if (existing == null) {
      return Optional.empty();
    }
    checkManaged(existing, ref);
    return Optional.of(ref);
  }

  @Override
  public Optional<PrivateKeyMaterial> get(SecretRef ref) {
    KubernetesSecretRef kubernetes = own(ref);
    Secret secret = read(kubernetes);
    return secret == null ? Optional.empty() : decode(secret, kubernetes);
  }

  @Override
  public void delete(ConnectionIdentity owner, SecretRef ref) {
    KubernetesSecretRef kubernetes = own(ref);
    if (!kubernetes.namespace().equals(owner.namespace())) {
      throw new RevocationRefusedException(ref, owner, "expected a Secret in the connection's namespace "
          + owner.namespace() + ", found namespace " + kubernetes.namespace());
    }
    Secret existing = read(kubernetes);
    if (existing == null) {
      return;
    }
    refuseUnlessOwnedBy(existing, owner, ref);
    try {
      client.secrets().inNamespace(kubernetes.namespace()).withName(kubernetes.name()).delete();
      LOG.info("deleted key Secret {}/{}", kubernetes.namespace(), kubernetes.name());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw failure("delete", kubernetes, e);
      }
    }
  }

  private Secret read(KubernetesSecretRef ref) {
    try {
      return client.secrets().inNamespace(ref.namespace()).withName(ref.name()).get();
    } catch (KubernetesClientException e) {
      throw failure("read", ref, e);
    }
  }

  private static Optional<PrivateKeyMaterial> decode(Secret secret, KubernetesSecretRef ref) {
    String encoded = secret.getData() == null ? null : secret.getData().get(ref.key());
    if (encoded == null) {
      throw new SecretStoreException("expected data key '" + ref.key() + "' in Secret " + ref.namespace() + "/"
          + ref.name() + ", found keys " + (secret.getData() == null ? "[]" : secret.getData().keySet()));
    }
    try {
      return Optional.of(PrivateKeyMaterial.ofOpenSsh(Base64.getDecoder().decode(encoded)));
    } catch (IllegalArgumentException e) {
      throw new SecretStoreException("expected base64 in data key '" + ref.key() + "' of Secret " + ref.namespace()
          + "/" + ref.name() + ", found something else");
    }
  }

  private static void checkManaged(Secret secret, KubernetesSecretRef ref) {
    Map<String, String> labels = secret.getMetadata().getLabels();
    String managedBy = labels == null ? null : labels.get(MANAGED_BY_LABEL);
    if (!MANAGED_BY.equals(managedBy)) {
      throw new SecretConflictException("expected Secret " + ref.namespace() + "/" + ref.name() + " to be labelled "
          + MANAGED_BY_LABEL + "=" + MANAGED_BY + ", found " + (managedBy == null ? "no such label" : "'" + managedBy
          + "'") + "; refusing to use a Secret we did not create");
    }
  }

  /** Ours means: our label, our type, and a controller reference to this very connection (its uid, not its name). */
  private static void refuseUnlessOwnedBy(Secret secret, ConnectionIdentity owner, SecretRef ref) {
    Map<String, String> labels = secret.getMetadata().getLabels();
    String managedBy = labels == null ? null : labels.get(MANAGED_BY_LABEL);
    if (!MANAGED_BY.equals(managedBy)) {
      throw new RevocationRefusedException(ref, owner, "expected the label " + MANAGED_BY_LABEL + "=" + MANAGED_BY
          + ", found " + (managedBy == null ? "no such label" : "'" + managedBy + "'"));
    }
    if (!SECRET_TYPE.equals(secret.getType())) {
      throw new RevocationRefusedException(ref, owner, "expected type " + SECRET_TYPE + ", found "
          + secret.getType());
    }
    boolean owned = owner.uid() != null && secret.getMetadata().getOwnerReferences() != null
        && secret.getMetadata().getOwnerReferences().stream().anyMatch(o -> owner.uid().equals(o.getUid())
            && HasMetadata.getKind(ByosConnection.class).equals(o.getKind()));
    if (!owned) {
      throw new RevocationRefusedException(ref, owner, "expected an owner reference to ByosConnection uid "
          + owner.uid() + ", found none");
    }
  }

  private static OwnerReference ownerReference(ConnectionIdentity connection) {
    return new OwnerReferenceBuilder()
        .withApiVersion(HasMetadata.getApiVersion(ByosConnection.class))
        .withKind(HasMetadata.getKind(ByosConnection.class))
        .withName(connection.name())
        .withUid(connection.uid())
        .withController(true)
        .withBlockOwnerDeletion(false)
        .build();
  }

  private static KubernetesSecretRef own(SecretRef ref) {
    if (ref instanceof KubernetesSecretRef kubernetes) {
      return kubernetes;
    }
    throw new IllegalArgumentException("expected a kubernetes: secret reference, found " + ref);
  }

  private static SecretStoreException failure(String operation, KubernetesSecretRef ref, KubernetesClientException e) {
    Status status = e.getStatus();
    String reason = status == null || status.getReason() == null ? "no reason given" : status.getReason();
    return new SecretStoreException("could not " + operation + " Secret " + ref.namespace() + "/" + ref.name()
        + ": HTTP " + e.getCode() + " (" + reason + ")");
  }
}

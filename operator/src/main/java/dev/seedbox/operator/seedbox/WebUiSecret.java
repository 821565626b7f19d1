package dev.seedbox.operator.seedbox;

import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.hostchannel.credentials.CredentialStore;
import dev.seedbox.hostchannel.credentials.StoredCredentials;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Secret {@code <seedbox>-webui}: the customer's web UI user and password, owner-referenced to the Seedbox
 * (deleted with it). It is the store of the two-phase credentials: {@value #PASSWORD} is the password the server
 * accepts (absent until the first one was set on the server and a login proved it), {@value #PENDING_PASSWORD} one
 * being introduced. The passwords live here and nowhere else: not in PostgreSQL, the custom resource, logs or
 * events; no hash of them is computed here (the server computes its client's own).
 *
 * <p>Only the operator writes it, so the Secret it last wrote or read (or its absence) is served from memory and the
 * API is read once per process; a write the API refuses (someone else made or changed it) drops that copy.
 */
final class WebUiSecret {

  static final String USERNAME = "username";
  static final String PASSWORD = "password";
  static final String PENDING_PASSWORD = "pending-password";
  static final String ROTATION_ANNOTATION = "seedbox.dev/credentials-rotation";
  static final String PENDING_ROTATION_ANNOTATION = "seedbox.dev/pending-credentials-rotation";
  static final String SUFFIX = "-webui";
  /** The web UI user every seedbox gets; the customer may not rename it. */
  static final String WEB_UI_USER = "seedbox";

  private final KubernetesClient client;
  private final Map<String, Secret> byUid = new ConcurrentHashMap<>();
  /** Seedboxes whose Secret the API said does not exist; a create that finds one after all is refused (409). */
  private final Set<String> absent = ConcurrentHashMap.newKeySet();

  WebUiSecret(KubernetesClient client) {
    this.client = client;
  }

  static String name(Seedbox seedbox) {
    return seedbox.getMetadata().getName() + SUFFIX;
  }

  /** The two-phase store of this Seedbox's credentials. */
  CredentialStore store(Seedbox seedbox) {
    return new CredentialStore() {
      @Override
      public StoredCredentials read() {
        return credentials(current(seedbox));
      }

      @Override
      public void stage(String password, long rotation) {
        Secret secret = current(seedbox);
        Map<String, String> data = secret == null ? new HashMap<>(Map.of(USERNAME, encode(WEB_UI_USER)))
            : new HashMap<>(secret.getData() == null ? Map.of() : secret.getData());
        data.put(PENDING_PASSWORD, encode(password));
        Map<String, String> annotations = annotations(secret);
        annotations.put(PENDING_ROTATION_ANNOTATION, Long.toString(rotation));
        write(seedbox, secret, data, annotations);
      }

      @Override
      public void promote() {
        Secret secret = current(seedbox);
        String pending = secret == null ? null : value(secret, PENDING_PASSWORD);
        if (pending == null) {
          throw new IllegalStateException("Secret " + name(seedbox) + " holds no pending password to promote");
        }
        Map<String, String> data = new HashMap<>(secret.getData());
        data.put(PASSWORD, encode(pending));
        data.remove(PENDING_PASSWORD);
        Map<String, String> annotations = annotations(secret);
        annotations.put(ROTATION_ANNOTATION, annotations.remove(PENDING_ROTATION_ANNOTATION));
        write(seedbox, secret, data, annotations);
      }
    };
  }

  /** The credentials as stored now, {@link StoredCredentials#none} before the Secret exists. */
  StoredCredentials read(Seedbox seedbox) {
    return credentials(current(seedbox));
  }

  void forget(String uid) {
    byUid.remove(uid);
    absent.remove(uid);
  }

  private Secret current(Seedbox seedbox) {
    String uid = seedbox.getMetadata().getUid();
    Secret cached = byUid.get(uid);
    if (cached != null || absent.contains(uid)) {
      return cached;
    }
    Secret read = client.secrets().inNamespace(seedbox.getMetadata().getNamespace()).withName(name(seedbox)).get();
    if (read != null) {
      byUid.put(uid, read);
    } else {
      absent.add(uid);
    }
    return read;
  }

  private void write(Seedbox seedbox, Secret before, Map<String, String> data, Map<String, String> annotations) {
    String uid = seedbox.getMetadata().getUid();
    Secret wanted = before == null ? build(seedbox, data, annotations)
        : new SecretBuilder(before).editMetadata().withAnnotations(annotations).endMetadata().withData(data)
            .withStringData(null).build();
    try {
      // update() sends the resourceVersion read: a concurrent change is refused instead of overwritten
      Secret stored = before == null
          ? client.secrets().inNamespace(seedbox.getMetadata().getNamespace()).resource(wanted).create()
          : client.secrets().inNamespace(seedbox.getMetadata().getNamespace()).resource(wanted).update();
      byUid.put(uid, stored);
      absent.remove(uid);
    } catch (RuntimeException e) {
      forget(uid);
      throw e;
    }
  }

  private static StoredCredentials credentials(Secret secret) {
    if (secret == null) {
      return StoredCredentials.none(WEB_UI_USER);
    }
    String username = Optional.ofNullable(value(secret, USERNAME)).orElse(WEB_UI_USER);
    Map<String, String> annotations = annotations(secret);
    return new StoredCredentials(username, Optional.ofNullable(value(secret, PASSWORD)),
        longOf(annotations.get(ROTATION_ANNOTATION)), Optional.ofNullable(value(secret, PENDING_PASSWORD)),
        longOf(annotations.get(PENDING_ROTATION_ANNOTATION)));
  }

  private static long longOf(String value) {
    try {
      return value == null ? 0 : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static Map<String, String> annotations(Secret secret) {
    return secret == null || secret.getMetadata().getAnnotations() == null ? new HashMap<>()
        : new HashMap<>(secret.getMetadata().getAnnotations());
  }

  private static Secret build(Seedbox seedbox, Map<String, String> data, Map<String, String> annotations) {
    return new SecretBuilder()
        .withNewMetadata()
          .withName(name(seedbox))
          .withNamespace(seedbox.getMetadata().getNamespace())
          .withLabels(Map.of("app.kubernetes.io/managed-by", "seedbox-operator",
              "seedbox.dev/seedbox", seedbox.getMetadata().getName()))
          .withAnnotations(annotations)
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
        .withData(data)
        .build();
  }

  private static String encode(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private static String value(Secret secret, String key) {
    if (secret.getStringData() != null && secret.getStringData().get(key) != null) {
      // the API server lets stringData win over data on a write; a Secret read back only has data
      return secret.getStringData().get(key);
    }
    if (secret.getData() != null && secret.getData().get(key) != null) {
      return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }
    return null;
  }
}

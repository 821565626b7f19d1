package dev.seedbox.operator.seedbox;

import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.provisioning.Credentials;
import dev.seedbox.provisioning.cloudinit.QbittorrentPassword;
import dev.seedbox.provisioning.inmemory.InMemoryProvider;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * The Secret {@code <seedbox>-webui} holding the web UI user and password, owner-referenced to the Seedbox (deleted
 * with it). It is written before the server is created, so a create repeated after a crash uses the same password
 * the first attempt's user data carried. The password lives here and nowhere else: not in PostgreSQL, the custom
 * resource, logs or events.
 */
final class WebUiSecret {

  static final String USERNAME = "username";
  static final String PASSWORD = "password";
  static final String ROTATION_ANNOTATION = "seedbox.dev/credentials-rotation";
  static final String SUFFIX = "-webui";

  private final KubernetesClient client;

  WebUiSecret(KubernetesClient client) {
    this.client = client;
  }

  static String name(Seedbox seedbox) {
    return seedbox.getMetadata().getName() + SUFFIX;
  }

  /** The existing Secret, or a new one with a generated password. */
  Secret ensure(Seedbox seedbox, long rotation) {
    Secret existing = get(seedbox);
    if (existing != null) {
      return existing;
    }
    Secret created = build(seedbox, InMemoryProvider.WEB_UI_USER, QbittorrentPassword.generate(), rotation);
    try {
      return client.secrets().inNamespace(seedbox.getMetadata().getNamespace()).resource(created).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return get(seedbox);
      }
      throw e;
    }
  }

  /** The rotation value the Secret's credentials belong to (0 for the first ones). */
  static long rotationOf(Secret secret) {
    String value = secret.getMetadata().getAnnotations() == null ? null
        : secret.getMetadata().getAnnotations().get(ROTATION_ANNOTATION);
    return value == null ? 0 : Long.parseLong(value);
  }

  static String password(Secret secret) {
    return decode(secret, PASSWORD);
  }

  /** Replaces the credentials with rotated ones, marked with the rotation value they answer. */
  void replace(Seedbox seedbox, Credentials credentials, long rotation) {
    Secret updated = build(seedbox, credentials.username(), credentials.password(), rotation);
    client.secrets().inNamespace(seedbox.getMetadata().getNamespace()).resource(updated).createOr(r -> r.update());
  }

  Secret get(Seedbox seedbox) {
    return client.secrets().inNamespace(seedbox.getMetadata().getNamespace()).withName(name(seedbox)).get();
  }

  private static Secret build(Seedbox seedbox, String username, String password, long rotation) {
    return new SecretBuilder()
        .withNewMetadata()
          .withName(name(seedbox))
          .withNamespace(seedbox.getMetadata().getNamespace())
          .withLabels(Map.of("app.kubernetes.io/managed-by", "seedbox-operator",
              "seedbox.dev/seedbox", seedbox.getMetadata().getName()))
          .withAnnotations(Map.of(ROTATION_ANNOTATION, Long.toString(rotation)))
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
        .withData(Map.of(USERNAME, encode(username), PASSWORD, encode(password)))
        .build();
  }

  private static String encode(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(Secret secret, String key) {
    if (secret.getData() != null && secret.getData().get(key) != null) {
      return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }
    if (secret.getStringData() != null && secret.getStringData().get(key) != null) {
      return secret.getStringData().get(key);
    }
    throw new IllegalStateException("Secret " + secret.getMetadata().getName() + " has no key '" + key + "'");
  }
}

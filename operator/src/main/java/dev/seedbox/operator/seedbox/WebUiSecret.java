package dev.seedbox.operator.seedbox;

import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.provisioning.Credentials;
import dev.seedbox.provisioning.inmemory.InMemoryProvider;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Secret {@code <seedbox>-webui} holding the web UI user, the password and the password's qBittorrent hash
 * ({@value #PASSWORD_HASH}: PBKDF2-HMAC-SHA512 in qBittorrent's {@code @ByteArray(salt:key)} form, what a server's
 * user data carries), owner-referenced to the Seedbox (deleted with it). It is written before the server is created,
 * so a create repeated after a provider error or a crash carries the same password and the same hash the first
 * attempt's user data carried. The hash is stored because it is expensive on purpose (100,000 iterations, ~70 ms of
 * CPU): it is computed once per password, not on every create attempt or operator restart. Password and hash live
 * here and nowhere else: not in PostgreSQL, the custom resource, logs or events.
 *
 * <p>A stored hash is trusted to belong to the stored password (checking it would cost the hash again): whoever
 * edits {@value #PASSWORD} by hand removes {@value #PASSWORD_HASH} with it, and the operator hashes the new one.
 */
final class WebUiSecret {

  static final String USERNAME = "username";
  static final String PASSWORD = "password";
  static final String PASSWORD_HASH = "password-pbkdf2";
  static final String ROTATION_ANNOTATION = "seedbox.dev/credentials-rotation";
  static final String SUFFIX = "-webui";

  /** The form QbittorrentCloudInit accepts; anything else is treated as missing and replaced. */
  private static final Pattern QBITTORRENT_HASH = Pattern.compile("@ByteArray\\([A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+\\)");

  private final KubernetesClient client;
  private final PasswordHashes hashes;

  WebUiSecret(KubernetesClient client, PasswordHashes hashes) {
    this.client = client;
    this.hashes = hashes;
  }

  static String name(Seedbox seedbox) {
    return seedbox.getMetadata().getName() + SUFFIX;
  }

  /**
   * The existing Secret, or a new one with a generated password and its hash; empty while that hash is still being
   * computed ({@link PasswordHashes} wakes the Seedbox when it is ready). An existing Secret without a well-formed
   * hash (made by an operator before the hash was stored, or by someone else ahead of time) gets one, computed once
   * and written back.
   */
  Optional<Secret> ensure(Seedbox seedbox, long rotation) {
    String uid = seedbox.getMetadata().getUid();
    if (hashes.computing(uid)) {
      // a wake before the hash is ready (a sibling's charge): the Secret cannot have changed in a way that helps
      return Optional.empty();
    }
    Secret existing = hashes.newCredentialsReady(uid) ? null : get(seedbox);
    if (existing == null) {
      Optional<PasswordHashes.Hashed> fresh = hashes.newCredentials(uid);
      if (fresh.isEmpty()) {
        return Optional.empty();
      }
      Secret created = build(seedbox, InMemoryProvider.WEB_UI_USER, fresh.get().password(), fresh.get().hash(),
          rotation);
      try {
        Secret stored = client.secrets().inNamespace(seedbox.getMetadata().getNamespace()).resource(created).create();
        hashes.forget(uid);
        return Optional.of(stored);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        existing = get(seedbox);
      }
    }
    return withHash(seedbox, existing);
  }

  private Optional<Secret> withHash(Seedbox seedbox, Secret secret) {
    String uid = seedbox.getMetadata().getUid();
    for (int attempt = 1; ; attempt++) {
      if (secret == null) {
        throw new IllegalStateException("Secret " + name(seedbox) + " in " + seedbox.getMetadata().getNamespace()
            + " vanished while its password hash was being added; the next pass creates a new one");
      }
      if (hasValidHash(secret)) {
        hashes.forget(uid);
        return Optional.of(secret);
      }
      Optional<String> hash = hashes.hashOf(uid, password(secret));
      if (hash.isEmpty()) {
        return Optional.empty();
      }
      Map<String, String> data = new HashMap<>(secret.getData() == null ? Map.of() : secret.getData());
      data.put(PASSWORD_HASH, encode(hash.get()));
      Secret hashed = new SecretBuilder(secret).withData(data).build();
      try {
        // update() sends the resourceVersion read: a concurrent change answers 409 instead of being overwritten
        Secret stored = client.secrets().inNamespace(seedbox.getMetadata().getNamespace()).resource(hashed).update();
        hashes.forget(uid);
        return Optional.of(stored);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 3) {
          throw e;
        }
        secret = get(seedbox);
      }
    }
  }

  private static boolean hasValidHash(Secret secret) {
    String hash = value(secret, PASSWORD_HASH);
    return hash != null && QBITTORRENT_HASH.matcher(hash).matches();
  }

  /** The rotation value the Secret's credentials belong to (0 for the first ones). */
  static long rotationOf(Secret secret) {
    String value = secret.getMetadata().getAnnotations() == null ? null
        : secret.getMetadata().getAnnotations().get(ROTATION_ANNOTATION);
    return value == null ? 0 : Long.parseLong(value);
  }

  static String username(Secret secret) {
    return decode(secret, USERNAME);
  }

  static String password(Secret secret) {
    return decode(secret, PASSWORD);
  }

  /** The stored qBittorrent hash of the password ({@link #ensure} made sure there is one). */
  static String passwordHash(Secret secret) {
    return decode(secret, PASSWORD_HASH);
  }

  /** Replaces the credentials with rotated ones, marked with the rotation value they answer. */
  void replace(Seedbox seedbox, Credentials credentials, long rotation) {
    Secret updated = build(seedbox, credentials.username(), credentials.password(), credentials.passwordHash(),
        rotation);
    client.secrets().inNamespace(seedbox.getMetadata().getNamespace()).resource(updated).createOr(r -> r.update());
  }

  Secret get(Seedbox seedbox) {
    return client.secrets().inNamespace(seedbox.getMetadata().getNamespace()).withName(name(seedbox)).get();
  }

  private static Secret build(Seedbox seedbox, String username, String password, String passwordHash,
      long rotation) {
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
        .withData(Map.of(USERNAME, encode(username), PASSWORD, encode(password), PASSWORD_HASH,
            encode(passwordHash)))
        .build();
  }

  private static String encode(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(Secret secret, String key) {
    String value = value(secret, key);
    if (value == null) {
      throw new IllegalStateException("Secret " + secret.getMetadata().getName() + " has no key '" + key + "'");
    }
    return value;
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

package dev.seedbox.keys.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seedbox.api.v1alpha1.SecretStoreKind;
import dev.seedbox.keys.key.PrivateKeyMaterial;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each key at {@code <mount>/<prefix>/<namespace>/<connection>-key-<rotation>} in Vault's KV v2 engine, field
 * {@code ssh-privatekey}, using token auth ({@code X-Vault-Token}).
 *
 * <p>Writes use check-and-set 0 (write only if the path has no version yet), so two racing issuers cannot leave two
 * different keys at one path. Revocation destroys the version, which a soft delete would not do (it can be undone),
 * and then deletes the path's metadata.
 */
public final class VaultSecretStore implements SecretStore {

  public static final String FIELD = "ssh-privatekey";
  private static final Logger LOG = LoggerFactory.getLogger(VaultSecretStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final VaultConfig config;
  private final HttpClient http;

  public VaultSecretStore(VaultConfig config) {
    this(config, HttpClient.newBuilder().connectTimeout(config.timeout()).build());
  }

  public VaultSecretStore(VaultConfig config, HttpClient http) {
    this.config = config;
    this.http = http;
  }

  @Override
  public SecretStoreKind kind() {
    return SecretStoreKind.VAULT;
  }

  /** The KV path (under the mount) of a slot's key. */
  public String pathOf(KeySlot slot) {
    String relative = slot.connection().namespace() + "/" + slot.secretName();
    return config.pathPrefix().isEmpty() ? relative : config.pathPrefix() + "/" + relative;
  }

  @Override
  public SecretRef put(KeySlot slot, PrivateKeyMaterial key) {
    String path = pathOf(slot);
    ObjectNode body = JSON.createObjectNode();
    body.putObject("options").put("cas", 0);
    body.putObject("data").put(FIELD, key.openSshText());
    Response response = send("write", path, request(dataUri(path, null))
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    if (response.status() == 200 || response.status() == 204) {
      long version = response.json().path("data").path("version").asLong(0);
      if (version < 1) {
        throw new SecretStoreException("expected Vault to answer the write of " + location(path)
            + " with data.version, found none");
      }
      VaultSecretRef ref = new VaultSecretRef(config.mount(), path, version);
      LOG.info("{}: wrote key to Vault {} for rotation {}", slot.connection(), ref, slot.rotation());
      return ref;
    }
    if (response.status() == 400 && response.errors().stream().anyMatch(e -> e.contains("check-and-set"))) {
      // The path already has a version: the same key again is a retry; anything else stays untouched.
      Optional<VaultSecretRef> existing = latest(path);
      if (existing.isPresent()) {
        Optional<PrivateKeyMaterial> stored = get(existing.get());
        if (stored.isPresent() && stored.get().sameAs(key)) {
          return existing.get();
        }
      }
      throw new SecretConflictException("expected Vault path " + location(path)
          + " to be empty or to hold this key, found a different key; keys are immutable, bump spec.rotation instead");
    }
    throw response.failure("write");
  }

  @Override
  public Optional<SecretRef> find(KeySlot slot) {
    return latest(pathOf(slot)).map(ref -> ref);
  }

  @Override
  public Optional<PrivateKeyMaterial> get(SecretRef ref) {
    VaultSecretRef vault = own(ref);
    Response response = send("read", vault.path(), request(dataUri(vault)).GET());
    if (response.status() == 404) {
      return Optional.empty();
    }
    if (response.status() != 200) {
      throw response.failure("read");
    }
    JsonNode data = response.json().path("data");
    if (data.path("metadata").path("destroyed").asBoolean(false) || data.path("data").isNull()) {
      return Optional.empty();
    }
    JsonNode field = data.path("data").path(FIELD);
    if (!field.isTextual()) {
      throw new SecretStoreException("expected field '" + FIELD + "' in Vault " + ref + ", found none");
    }
    return Optional.of(PrivateKeyMaterial.ofOpenSsh(field.asText().getBytes(StandardCharsets.US_ASCII)));
  }

  @Override
  public void delete(ConnectionIdentity owner, SecretRef ref) {
    VaultSecretRef vault = own(ref);
    refuseUnlessOwnedBy(vault, owner);
    ObjectNode body = JSON.createObjectNode();
    body.putArray("versions").add(vault.version());
    Response destroyed = send("destroy", vault.path(), request(uri(vault.mount(), "destroy", vault.path(), null))
        .PUT(HttpRequest.BodyPublishers.ofString(body.toString())));
    if (destroyed.status() != 204 && destroyed.status() != 200 && destroyed.status() != 404) {
      throw destroyed.failure("destroy");
    }
    if (config.deleteMetadataOnRevoke()) {
      Response deleted = send("delete metadata of", vault.path(),
          request(uri(vault.mount(), "metadata", vault.path(), null)).DELETE());
      if (deleted.status() != 204 && deleted.status() != 200 && deleted.status() != 404) {
        throw deleted.failure("delete metadata of");
      }
    }
    LOG.info("destroyed Vault key {}", vault);
  }

  /**
   * Ours means: the configured mount, and a path {@link #pathOf} gives for one of this connection's rotations, so
   * nothing outside {@code <prefix>/<namespace>/<connection>-key-<n>} is ever destroyed.
   */
  private void refuseUnlessOwnedBy(VaultSecretRef ref, ConnectionIdentity owner) {
    if (!ref.mount().equals(config.mount())) {
      throw new RevocationRefusedException(ref, owner, "expected the configured mount " + config.mount()
          + ", found " + ref.mount());
    }
    String slotPrefix = pathOf(new KeySlot(owner, 0));
    slotPrefix = slotPrefix.substring(0, slotPrefix.length() - 1);
    String rotation = ref.path().startsWith(slotPrefix) ? ref.path().substring(slotPrefix.length()) : "";
    if (!rotation.matches("0|[1-9][0-9]{0,18}")) {
      throw new RevocationRefusedException(ref, owner, "expected a path " + slotPrefix + "<rotation>, found "
          + ref.path());
    }
  }

  private Optional<VaultSecretRef> latest(String path) {
    Response response = send("read", path, request(dataUri(path, null)).GET());
    if (response.status() == 404) {
      return Optional.empty();
    }
    if (response.status() != 200) {
      throw response.failure("read");
    }
    long version = response.json().path("data").path("metadata").path("version").asLong(0);
    if (version < 1) {
      throw new SecretStoreException("expected data.metadata.version in Vault's answer for " + location(path)
          + ", found none");
    }
    return Optional.of(new VaultSecretRef(config.mount(), path, version));
  }

  private VaultSecretRef own(SecretRef ref) {
    if (ref instanceof VaultSecretRef vault) {
      return vault;
    }
    throw new IllegalArgumentException("expected a vault: secret reference, found " + ref);
  }

  private String location(String path) {
    return config.mount() + "/" + path;
  }

  private URI dataUri(String path, Long version) {
    return uri(config.mount(), "data", path, version == null ? null : "version=" + version);
  }

  // a reference keeps working after SEEDBOX_VAULT_MOUNT changes: it names its own mount
  private URI dataUri(VaultSecretRef ref) {
    return uri(ref.mount(), "data", ref.path(), "version=" + ref.version());
  }

  private URI uri(String mount, String kind, String path, String query) {
    String base = config.address().toString();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + "/v1/" + mount + "/" + kind + "/" + path + (query == null ? "" : "?" + query));
  }

  private HttpRequest.Builder request(URI uri) {
    return HttpRequest.newBuilder(uri)
        .timeout(config.timeout())
        .header("X-Vault-Token", config.token())
        .header("Content-Type", "application/json")
        .header("Accept", "application/json");
  }

  private Response send(String operation, String path, HttpRequest.Builder request) {
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(location(path), response.statusCode(), response.body());
    } catch (IOException e) {
      throw new SecretStoreException("could not " + operation + " Vault " + location(path) + " at "
          + config.address() + ": " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SecretStoreException("interrupted while trying to " + operation + " Vault " + location(path));
    }
  }

  /** One answer from Vault; its body is parsed only for the fields we need and never quoted whole. */
  private record Response(String location, int status, String body) {

    JsonNode json() {
      try {
        return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
      } catch (IOException e) {
        throw new SecretStoreException("expected JSON from Vault for " + location + " (HTTP " + status
            + "), found something else");
      }
    }

    List<String> errors() {
      List<String> errors = new ArrayList<>();
      try {
        json().path("errors").forEach(e -> errors.add(e.asText()));
      } catch (SecretStoreException e) {
        errors.add("unparseable error body");
      }
      return errors;
    }

    SecretStoreException failure(String operation) {
      List<String> errors = errors();
      String hint = status == 403 ? "; check " + VaultConfig.TOKEN + " and the token's policy" : "";
      return new SecretStoreException("could not " + operation + " Vault " + location + ": HTTP " + status
          + (errors.isEmpty() ? "" : " " + errors) + hint);
    }

    @Override
    public String toString() {
      return "Response[" + location + ", HTTP " + status + "]";
    }
  }
}

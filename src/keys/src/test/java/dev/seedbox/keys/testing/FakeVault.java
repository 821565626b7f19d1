package dev.seedbox.keys.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stateful fake of Vault's KV version 2 HTTP API, speaking its real paths and JSON on 127.0.0.1:
 * {@code POST|PUT /v1/<mount>/data/<path>} (with {@code options.cas}), {@code GET /v1/<mount>/data/<path>?version=N},
 * {@code DELETE /v1/<mount>/data/<path>}, {@code POST /v1/<mount>/delete|undelete|destroy/<path>}
 * ({@code {"versions":[…]}}), {@code GET|DELETE /v1/<mount>/metadata/<path>}. Every request needs the
 * {@code X-Vault-Token} it was created with, else 403 {@code {"errors":["permission denied"]}}; a missing path or a
 * deleted or destroyed version is a 404. Soft-deleted versions keep their data (undelete brings it back); destroyed
 * ones lose it, as in Vault.
 */
public final class FakeVault implements AutoCloseable {

  /** A request as the fake saw it, without its body (which may hold secrets). */
  public record Request(String method, String path, boolean authorised) {
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final class Version {
    Map<String, String> data;
    final Instant created;
    Instant deleted;
    boolean destroyed;

    Version(Map<String, String> data, Instant created) {
      this.data = data;
      this.created = created;
    }
  }

  private static final class Secret {
    final TreeMap<Integer, Version> versions = new TreeMap<>();
    final Instant created;
    int current;

    Secret(Instant created) {
      this.created = created;
    }
  }

  private final HttpServer server;
  private final String token;
  private final Set<String> mounts;
  private final Clock clock;
  private final Map<String, Secret> secrets = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  private FakeVault(String token, Set<String> mounts, Clock clock) throws IOException {
    this.token = token;
    this.mounts = Set.copyOf(mounts);
    this.clock = clock;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** A fake with one KV v2 mount {@code secret} and a random token. */
  public static FakeVault start() {
    return start("hvs." + UUID.randomUUID().toString().replace("-", ""), Set.of("secret"));
  }

  public static FakeVault start(String token, Set<String> mounts) {
    try {
      return new FakeVault(token, mounts, Clock.systemUTC());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public URI address() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public String token() {
    return token;
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The readable data of one version, as Vault would serve it (empty if missing, deleted or destroyed). */
  public synchronized Optional<Map<String, String>> read(String mount, String path, int version) {
    Secret secret = secrets.get(mount + "/" + path);
    Version v = secret == null ? null : secret.versions.get(version);
    return v == null || v.destroyed || v.deleted != null ? Optional.empty() : Optional.of(Map.copyOf(v.data));
  }

  /** Whether any data of the version is still kept (true for a soft-deleted version, false once destroyed). */
  public synchronized boolean retainsData(String mount, String path, int version) {
    Secret secret = secrets.get(mount + "/" + path);
    Version v = secret == null ? null : secret.versions.get(version);
    return v != null && v.data != null;
  }

  /** Whether the path still has metadata (any version, even destroyed). */
  public synchronized boolean hasPath(String mount, String path) {
    return secrets.containsKey(mount + "/" + path);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      boolean authorised = token.equals(exchange.getRequestHeaders().getFirst("X-Vault-Token"));
      requests.add(new Request(method, path, authorised));
      if (!authorised) {
        respond(exchange, 403, errors("permission denied"));
        return;
      }
      String[] parts = path.split("/", 5);
      // "", "v1", mount, operation, secret path
      if (parts.length < 5 || !"v1".equals(parts[1]) || parts[4].isEmpty() || !mounts.contains(parts[2])) {
        respond(exchange, 404, errors("no handler for route \"" + path.replaceFirst("^/v1/", "")
            + "\". route entry not found."));
        return;
      }
      String key = parts[2] + "/" + parts[4];
      String operation = parts[3];
      byte[] body = exchange.getRequestBody().readAllBytes();
      synchronized (this) {
        switch (operation + " " + method) {
          case "data POST", "data PUT" -> write(exchange, key, body);
          case "data GET" -> readData(exchange, key, exchange.getRequestURI().getQuery());
          case "data DELETE" -> softDeleteLatest(exchange, key);
          case "delete POST", "delete PUT" -> changeVersions(exchange, key, body, "delete");
          case "undelete POST", "undelete PUT" -> changeVersions(exchange, key, body, "undelete");
          case "destroy POST", "destroy PUT" -> changeVersions(exchange, key, body, "destroy");
          case "metadata GET" -> readMetadata(exchange, key);
          case "metadata DELETE" -> {
            secrets.remove(key);
            respond(exchange, 204, null);
          }
          default -> respond(exchange, 405, errors("unsupported operation"));
        }
      }
    } catch (RuntimeException e) {
      respond(exchange, 500, errors("internal error in fake: " + e.getClass().getSimpleName()));
    }
  }

  private void write(HttpExchange exchange, String key, byte[] body) throws IOException {
    JsonNode request = parse(body);
    if (request == null || !request.path("data").isObject()) {
      respond(exchange, 400, errors("no data provided"));
      return;
    }
    Secret secret = secrets.get(key);
    JsonNode cas = request.path("options").path("cas");
    if (cas.isNumber()) {
      int current = secret == null ? 0 : secret.current;
      if (cas.asInt() != current) {
        respond(exchange, 400, errors("check-and-set parameter did not match the current version"));
        return;
      }
    }
    if (secret == null) {
      secret = new Secret(clock.instant());
      secrets.put(key, secret);
    }
    Map<String, String> data = new LinkedHashMap<>();
    request.path("data").properties().forEach(e -> data.put(e.getKey(), e.getValue().asText()));
    int version = secret.current + 1;
    Version v = new Version(data, clock.instant());
    secret.versions.put(version, v);
    secret.current = version;
    ObjectNode response = envelope();
    response.set("data", versionMetadata(version, v));
    respond(exchange, 200, response);
  }

  private void readData(HttpExchange exchange, String key, String query) throws IOException {
    Secret secret = secrets.get(key);
    if (secret == null) {
      respond(exchange, 404, errors());
      return;
    }
    int version = secret.current;
    if (query != null) {
      for (String pair : query.split("&")) {
        if (pair.startsWith("version=")) {
          try {
            int requested = Integer.parseInt(pair.substring("version=".length()));
            version = requested == 0 ? secret.current : requested;
          } catch (NumberFormatException e) {
            respond(exchange, 400, errors("invalid version"));
            return;
          }
        }
      }
    }
    Version v = secret.versions.get(version);
    if (v == null) {
      respond(exchange, 404, errors());
      return;
    }
    ObjectNode response = envelope();
    ObjectNode data = response.putObject("data");
    if (v.destroyed || v.deleted != null) {
      // Vault answers 404 for these, yet still shows the metadata of the version
      data.putNull("data");
      data.set("metadata", versionMetadata(version, v));
      respond(exchange, 404, response);
      return;
    }
    ObjectNode values = data.putObject("data");
    v.data.forEach(values::put);
    data.set("metadata", versionMetadata(version, v));
    respond(exchange, 200, response);
  }

  private void softDeleteLatest(HttpExchange exchange, String key) throws IOException {
    Secret secret = secrets.get(key);
    if (secret != null) {
      Version v = secret.versions.get(secret.current);
      if (v != null && v.deleted == null) {
        v.deleted = clock.instant();
      }
    }
    respond(exchange, 204, null);
  }

  private void changeVersions(HttpExchange exchange, String key, byte[] body, String change) throws IOException {
    JsonNode request = parse(body);
    if (request == null || !request.path("versions").isArray() || request.path("versions").isEmpty()) {
      respond(exchange, 400, errors("no version number provided"));
      return;
    }
    Secret secret = secrets.get(key);
    if (secret != null) {
      for (JsonNode number : request.path("versions")) {
        Version v = secret.versions.get(number.asInt());
        if (v == null) {
          continue;
        }
        switch (change) {
          case "delete" -> v.deleted = v.deleted == null ? clock.instant() : v.deleted;
          case "undelete" -> v.deleted = v.destroyed ? v.deleted : null;
          default -> {
            v.destroyed = true;
            v.data = null;
          }
        }
      }
    }
    respond(exchange, 204, null);
  }

  private void readMetadata(HttpExchange exchange, String key) throws IOException {
    Secret secret = secrets.get(key);
    if (secret == null) {
      respond(exchange, 404, errors());
      return;
    }
    ObjectNode response = envelope();
    ObjectNode data = response.putObject("data");
    data.put("cas_required", false);
    data.put("created_time", secret.created.toString());
    data.put("current_version", secret.current);
    data.put("delete_version_after", "0s");
    data.put("max_versions", 0);
    data.put("oldest_version", secret.versions.isEmpty() ? 0 : secret.versions.firstKey());
    data.put("updated_time", secret.versions.isEmpty() ? secret.created.toString()
        : secret.versions.lastEntry().getValue().created.toString());
    data.putNull("custom_metadata");
    ObjectNode versions = data.putObject("versions");
    secret.versions.forEach((number, v) -> {
      ObjectNode entry = versions.putObject(Integer.toString(number));
      entry.put("created_time", v.created.toString());
      entry.put("deletion_time", v.deleted == null ? "" : v.deleted.toString());
      entry.put("destroyed", v.destroyed);
    });
    respond(exchange, 200, response);
  }

  private static ObjectNode versionMetadata(int version, Version v) {
    ObjectNode metadata = JSON.createObjectNode();
    metadata.put("created_time", v.created.toString());
    metadata.putNull("custom_metadata");
    metadata.put("deletion_time", v.deleted == null ? "" : v.deleted.toString());
    metadata.put("destroyed", v.destroyed);
    metadata.put("version", version);
    return metadata;
  }

  private static ObjectNode envelope() {
    ObjectNode node = JSON.createObjectNode();
    node.put("request_id", UUID.randomUUID().toString());
    node.put("lease_id", "");
    node.put("renewable", false);
    node.put("lease_duration", 0);
    node.putNull("wrap_info");
    node.putNull("warnings");
    node.putNull("auth");
    return node;
  }

  private static ObjectNode errors(String... messages) {
    ObjectNode node = JSON.createObjectNode();
    ArrayNode errors = node.putArray("errors");
    for (String message : messages) {
      errors.add(message);
    }
    return node;
  }

  private static JsonNode parse(byte[] body) {
    try {
      return body.length == 0 ? null : JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
    if (body == null) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  @Override
  public String toString() {
    List<String> paths = new ArrayList<>(secrets.keySet());
    return "FakeVault[" + address() + ", paths=" + paths + "]";
  }
}

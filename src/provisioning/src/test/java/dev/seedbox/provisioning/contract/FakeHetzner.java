package dev.seedbox.provisioning.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stateful fake of the Hetzner Cloud v1 API: servers ({@code initializing} → {@code running}, {@code off}),
 * unique names (409 {@code uniqueness_error}), labels and {@code label_selector}, power actions
 * ({@code running} → {@code success}; while one runs, another on the server is refused with 423 {@code locked}),
 * a shutdown that only confirms the request (the server goes off some time after it), delete protection (403
 * {@code protected}), volumes (unique names, labels, one server each, same location, attach and detach actions),
 * pagination in {@code meta.pagination}, errors as {@code {"error":{"code","message"}}}, 429
 * {@code rate_limit_exceeded} with the {@code RateLimit-*} headers.
 */
public final class FakeHetzner extends FakeCloudApi {

  public static final Set<String> LOCATIONS = Set.of("fsn1", "nbg1", "hel1");
  public static final String INVALID_LOCATION_MESSAGE = "invalid input in field 'location'";

  private static final Pattern SERVER = Pattern.compile("/v1/servers/(\\d+)");
  private static final Pattern SERVER_ACTION = Pattern.compile("/v1/servers/(\\d+)/actions/([a-z_]+)");
  private static final Pattern ACTION = Pattern.compile("/v1/actions/(\\d+)");
  private static final Pattern VOLUME = Pattern.compile("/v1/volumes/(\\d+)");
  private static final Pattern SSH_KEY = Pattern.compile("/v1/ssh_keys/(\\d+)");
  private static final Pattern VOLUME_ACTION = Pattern.compile("/v1/volumes/(\\d+)/actions/([a-z_]+)");
  public static final String LOCKED_MESSAGE = "server is locked";
  public static final String PROTECTED_MESSAGE = "server deletion is protected";

  private static final class Volume {
    final long id;
    final String name;
    final String location;
    final long size;
    final Map<String, String> labels;
    long serverId;

    Volume(long id, String name, String location, long size, Map<String, String> labels) {
      this.id = id;
      this.name = name;
      this.location = location;
      this.size = size;
      this.labels = labels;
    }
  }

  private static final class Server {
    final long id;
    final String name;
    final Map<String, String> labels;
    final Instant createdAt;
    /** When the server is (or will be) off; null while it runs. */
    Instant offAt;
    boolean deleteProtected;
    String location = "fsn1";
    int hiddenFromListings;
    /** The SSH keys the create named, as ids; none means Hetzner generated a root password and answered it. */
    List<Long> sshKeys = List.of();
    boolean rootPasswordIssued;

    Server(long id, String name, Map<String, String> labels, Instant createdAt) {
      this.id = id;
      this.name = name;
      this.labels = labels;
      this.createdAt = createdAt;
    }
  }

  /** A project SSH key as Hetzner keeps it. */
  private record SshKey(long id, String name, String publicKey, String fingerprint, Map<String, String> labels) {
  }

  private static final class Action {
    final long id;
    final long serverId;
    final String command;
    final Instant completesAt;
    long volumeId;
    String status = "running";

    Action(long id, long serverId, String command, Instant completesAt) {
      this.id = id;
      this.serverId = serverId;
      this.command = command;
      this.completesAt = completesAt;
    }
  }

  private final TreeMap<Long, Server> servers = new TreeMap<>();
  private final Map<Long, Action> actions = new LinkedHashMap<>();
  private long nextServerId = 2_500_000_000L;
  private long nextActionId = 4_100_000_000L;
  private int listingLag;
  private int created;
  private final TreeMap<Long, Volume> volumes = new TreeMap<>();
  private final TreeMap<Long, SshKey> sshKeys = new TreeMap<>();
  private long nextSshKeyId = 7_300_000L;
  private long nextVolumeId = 6_000_000_000L;
  private Duration shutdownLag = Duration.ZERO;

  public FakeHetzner(String token) {
    super(token);
  }

  @Override
  public URI baseUrl() {
    return URI.create(root() + "/v1");
  }

  @Override
  public synchronized void listingLag(int requests) {
    listingLag = requests;
  }

  /** Keeps one server out of the next {@code requests} listings. */
  public synchronized void hideFromListings(long id, int requests) {
    servers.get(id).hiddenFromListings = requests;
  }

  @Override
  public synchronized int createdCount() {
    return created;
  }

  /** After a shutdown action succeeds, the server keeps running this long while its OS goes down. */
  @Override
  public synchronized void shutdownLag(Duration lag) {
    shutdownLag = lag;
  }

  /** Turns on delete protection for a server, as the console's "Protection" switch does. */
  public synchronized void protect(long id) {
    servers.get(id).deleteProtected = true;
  }

  public synchronized int volumeCount() {
    return volumes.size();
  }

  public synchronized long addVolume(String name, String location, long size, Map<String, String> labels) {
    long id = nextVolumeId++;
    volumes.put(id, new Volume(id, name, location, size, Map.copyOf(labels)));
    return id;
  }

  public synchronized long addServer(String name, Map<String, String> labels) {
    long id = nextServerId++;
    servers.put(id, new Server(id, name, Map.copyOf(labels), Instant.now()));
    return id;
  }

  public synchronized void removeServer(long id) {
    servers.remove(id);
    volumes.values().stream().filter(v -> v.serverId == id).forEach(v -> v.serverId = 0);
  }

  /** Listings catch up: every server shows up from the next listing on. */
  @Override
  public synchronized void catchUpListings() {
    listingLag = 0;
    servers.values().forEach(s -> s.hiddenFromListings = 0);
  }

  @Override
  public String powerOffAction() {
    return "poweroff";
  }

  @Override
  protected boolean isCreate(Call call) {
    return call.method().equals("POST") && call.path().equals("/v1/servers");
  }

  @Override
  protected int createdStatus() {
    return 201;
  }

  @Override
  protected JsonNode errorBody(String code, String message) {
    String hetznerCode = switch (code) {
      case "too_many_requests" -> "rate_limit_exceeded";
      case "service_unavailable", "server_error" -> "unavailable";
      default -> code;
    };
    ObjectNode body = JSON.createObjectNode();
    body.putObject("error").put("code", hetznerCode).put("message", message).putNull("details");
    return body;
  }

  @Override
  protected Map<String, String> rateLimitHeaders(boolean exhausted, long resetSeconds) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("RateLimit-Limit", "3600");
    headers.put("RateLimit-Remaining", exhausted ? "0" : "3599");
    // Hetzner's reset is when the whole bucket is refilled, one request per second
    headers.put("RateLimit-Reset", Long.toString(Instant.now().getEpochSecond() + (exhausted ? 3600 : 1)));
    return headers;
  }

  @Override
  protected Answer route(Call call) {
    settleActions();
    String path = call.path();
    Matcher m;
    if (path.equals("/v1/servers")) {
      return switch (call.method()) {
        case "POST" -> create(call.body());
        case "GET" -> list(call.query());
        default -> null;
      };
    }
    if (path.equals("/v1/volumes")) {
      return switch (call.method()) {
        case "POST" -> createVolume(call.body());
        case "GET" -> listVolumes(call.query());
        default -> null;
      };
    }
    if ((m = VOLUME_ACTION.matcher(path)).matches() && call.method().equals("POST")) {
      return volumeAction(Long.parseLong(m.group(1)), m.group(2), call.body());
    }
    if ((m = VOLUME.matcher(path)).matches()) {
      long id = Long.parseLong(m.group(1));
      Volume volume = volumes.get(id);
      if (volume == null) {
        return Answer.of(404, errorBody("not_found", "volume with ID '" + id + "' not found"));
      }
      return switch (call.method()) {
        case "GET" -> Answer.of(200, JSON.createObjectNode().set("volume", json(volume)));
        case "DELETE" -> {
          if (volume.serverId != 0) {
            yield Answer.of(423, errorBody("locked", "volume is attached to a server"));
          }
          volumes.remove(id);
          yield Answer.of(204, null);
        }
        default -> null;
      };
    }
    if ((m = SERVER_ACTION.matcher(path)).matches() && call.method().equals("POST")) {
      return startAction(Long.parseLong(m.group(1)), m.group(2));
    }
    if ((m = SERVER.matcher(path)).matches()) {
      long id = Long.parseLong(m.group(1));
      Server server = servers.get(id);
      if (server == null) {
        return Answer.of(404, errorBody("not_found", "server with ID '" + id + "' not found"));
      }
      return switch (call.method()) {
        case "GET" -> Answer.of(200, JSON.createObjectNode().set("server", json(server)));
        case "DELETE" -> {
          if (server.deleteProtected) {
            yield Answer.of(403, errorBody("protected", PROTECTED_MESSAGE));
          }
          if (isLocked(id)) {
            yield Answer.of(423, errorBody("locked", LOCKED_MESSAGE));
          }
          servers.remove(id);
          volumes.values().stream().filter(v -> v.serverId == id).forEach(v -> v.serverId = 0);
          Action action = new Action(nextActionId++, id, "delete_server", Instant.now());
          action.status = "success";
          actions.put(action.id, action);
          yield Answer.of(200, JSON.createObjectNode().set("action", json(action)));
        }
        default -> null;
      };
    }
    if (path.equals("/v1/ssh_keys")) {
      return switch (call.method()) {
        case "POST" -> createSshKey(call.body());
        case "GET" -> listSshKeys(call.query());
        default -> null;
      };
    }
    if ((m = SSH_KEY.matcher(path)).matches()) {
      long id = Long.parseLong(m.group(1));
      SshKey key = sshKeys.get(id);
      if (key == null) {
        return Answer.of(404, errorBody("not_found", "ssh_key with ID '" + id + "' not found"));
      }
      return switch (call.method()) {
        case "GET" -> Answer.of(200, JSON.createObjectNode().set("ssh_key", json(key)));
        case "DELETE" -> {
          sshKeys.remove(id);
          yield Answer.of(204, null);
        }
        default -> null;
      };
    }
    if ((m = ACTION.matcher(path)).matches() && call.method().equals("GET")) {
      long id = Long.parseLong(m.group(1));
      Action action = actions.get(id);
      return action == null ? Answer.of(404, errorBody("not_found", "action with ID '" + id + "' not found"))
          : Answer.of(200, JSON.createObjectNode().set("action", json(action)));
    }
    return null;
  }

  private Answer create(JsonNode body) {
    for (String field : List.of("name", "server_type", "image")) {
      if (!body.hasNonNull(field)) {
        return invalidInput(field);
      }
    }
    if (!LOCATIONS.contains(body.path("location").asText())) {
      return Answer.of(400, errorBody("invalid_input", INVALID_LOCATION_MESSAGE));
    }
    String name = body.get("name").asText();
    if (name.length() > 63 || !name.matches("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?")) {
      return invalidInput("name");
    }
    if (servers.values().stream().anyMatch(s -> s.name.equals(name))) {
      return Answer.of(409, errorBody("uniqueness_error", "server name is already used"));
    }
    Map<String, String> labels = new LinkedHashMap<>();
    var fields = body.path("labels").fields();
    while (fields.hasNext()) {
      var label = fields.next();
      if (!label.getValue().asText().matches("([A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?)?")) {
        return invalidInput("labels");
      }
      labels.put(label.getKey(), label.getValue().asText());
    }
    String location = body.path("location").asText();
    List<Volume> attach = new ArrayList<>();
    for (JsonNode volumeId : body.path("volumes")) {
      Volume volume = volumes.get(volumeId.asLong());
      if (volume == null || volume.serverId != 0 || !volume.location.equals(location)) {
        return invalidInput("volumes");
      }
      attach.add(volume);
    }
    List<Long> keys = new ArrayList<>();
    for (JsonNode named : body.path("ssh_keys")) {
      SshKey key = named.isIntegralNumber() ? sshKeys.get(named.asLong()) : sshKeys.values().stream()
          .filter(k -> k.name().equals(named.asText())).findFirst().orElse(null);
      if (key == null) {
        return invalidInput("ssh_keys");
      }
      keys.add(key.id());
    }
    long id = nextServerId++;
    attach.forEach(v -> v.serverId = id);
    Server server = new Server(id, name, labels, Instant.now());
    server.sshKeys = List.copyOf(keys);
    server.rootPasswordIssued = keys.isEmpty();
    server.location = location;
    server.hiddenFromListings = listingLag;
    servers.put(id, server);
    created++;
    Action action = new Action(nextActionId++, id, "create_server", Instant.now().plus(activationDelay));
    actions.put(action.id, action);
    ObjectNode answer = JSON.createObjectNode();
    answer.set("server", json(server));
    answer.set("action", json(action));
    answer.putArray("next_actions");
    if (server.rootPasswordIssued) {
      // Hetzner's answer to a create without SSH keys: a generated root password, in clear
      answer.put("root_password", "YItygq1v3GYjjMomLaKc");
    } else {
      answer.putNull("root_password");
    }
    return Answer.of(201, answer);
  }

  private Answer createSshKey(JsonNode body) {
    for (String field : List.of("name", "public_key")) {
      if (!body.hasNonNull(field)) {
        return invalidInput(field);
      }
    }
    String publicKey = body.get("public_key").asText();
    byte[] blob = keyBlob(publicKey);
    if (blob.length == 0) {
      return invalidInput("public_key");
    }
    String name = body.get("name").asText();
    String fingerprint = md5(blob);
    if (sshKeys.values().stream().anyMatch(k -> k.name().equals(name) || k.fingerprint().equals(fingerprint))) {
      return Answer.of(409, errorBody("uniqueness_error", "SSH key with the same fingerprint already exists"));
    }
    Map<String, String> labels = new LinkedHashMap<>();
    body.path("labels").fields().forEachRemaining(l -> labels.put(l.getKey(), l.getValue().asText()));
    SshKey key = new SshKey(nextSshKeyId++, name, publicKey, fingerprint, Map.copyOf(labels));
    sshKeys.put(key.id(), key);
    return Answer.of(201, JSON.createObjectNode().set("ssh_key", json(key)));
  }

  private Answer listSshKeys(Map<String, String> query) {
    String selector = query.get("label_selector");
    String name = query.get("name");
    String fingerprint = query.get("fingerprint");
    List<JsonNode> matching = sshKeys.values().stream()
        .filter(k -> selector == null || matches(selector, k.labels()))
        .filter(k -> name == null || k.name().equals(name))
        .filter(k -> fingerprint == null || k.fingerprint().equals(fingerprint))
        .<JsonNode>map(this::json).toList();
    return page(query, "ssh_keys", matching);
  }

  private ObjectNode json(SshKey key) {
    ObjectNode node = JSON.createObjectNode().put("id", key.id()).put("name", key.name())
        .put("fingerprint", key.fingerprint()).put("public_key", key.publicKey());
    ObjectNode labels = node.putObject("labels");
    key.labels().forEach(labels::put);
    return node;
  }

  @Override
  public synchronized List<String> sshKeyNames() {
    return sshKeys.values().stream().map(SshKey::name).toList();
  }

  @Override
  public synchronized List<String> sshKeysOf(long serverId) {
    Server server = servers.get(serverId);
    return server == null ? List.of() : server.sshKeys.stream().map(sshKeys::get)
        .map(k -> k == null ? "<deleted>" : k.name()).toList();
  }

  private Answer invalidInput(String field) {
    return Answer.of(400, errorBody("invalid_input", "invalid input in field '" + field + "'"));
  }

  private Answer list(Map<String, String> query) {
    String selector = query.get("label_selector");
    String name = query.get("name");
    List<Server> matching = new ArrayList<>();
    for (Server server : servers.values()) {
      if ((selector != null && !matches(selector, server.labels)) || (name != null && !server.name.equals(name))) {
        continue;
      }
      if (server.hiddenFromListings > 0) {
        server.hiddenFromListings--;
        continue;
      }
      matching.add(server);
    }
    return page(query, "servers", matching.stream().<JsonNode>map(this::json).toList());
  }

  private Answer page(Map<String, String> query, String collection, List<JsonNode> matching) {
    int page = Math.max(1, intParam(query, "page", 1));
    int perPage = Math.min(50, Math.max(1, intParam(query, "per_page", 25)));
    ObjectNode answer = JSON.createObjectNode();
    ArrayNode items = answer.putArray(collection);
    int from = (page - 1) * perPage;
    for (int i = from; i < Math.min(matching.size(), from + perPage); i++) {
      items.add(matching.get(i));
    }
    int lastPage = Math.max(1, (matching.size() + perPage - 1) / perPage);
    ObjectNode pagination = answer.putObject("meta").putObject("pagination");
    pagination.put("page", page).put("per_page", perPage).put("last_page", lastPage)
        .put("total_entries", matching.size());
    if (page > 1) {
      pagination.put("previous_page", page - 1);
    } else {
      pagination.putNull("previous_page");
    }
    if (page < lastPage) {
      pagination.put("next_page", page + 1);
    } else {
      pagination.putNull("next_page");
    }
    return Answer.of(200, answer);
  }

  /** The subset of Hetzner's selector syntax we need: comma-separated {@code k==v}, {@code k=v}, {@code k}. */
  private static boolean matches(String selector, Map<String, String> labels) {
    for (String term : selector.split(",")) {
      String t = term.trim();
      int eq = t.indexOf("==");
      int len = 2;
      if (eq < 0) {
        eq = t.indexOf('=');
        len = 1;
      }
      if (eq < 0) {
        if (!labels.containsKey(t)) {
          return false;
        }
      } else if (!t.substring(eq + len).equals(labels.get(t.substring(0, eq)))) {
        return false;
      }
    }
    return true;
  }

  private Answer startAction(long serverId, String command) {
    Server server = servers.get(serverId);
    if (server == null) {
      return Answer.of(404, errorBody("not_found", "server with ID '" + serverId + "' not found"));
    }
    if (!Set.of("shutdown", "poweroff", "poweron", "reboot").contains(command)) {
      return Answer.of(404, errorBody("not_found", "action '" + command + "' not found"));
    }
    if (isLocked(serverId)) {
      return Answer.of(423, errorBody("locked", LOCKED_MESSAGE));
    }
    recordAction(command);
    Action action = new Action(nextActionId++, serverId, command, Instant.now().plus(actionDelay));
    actions.put(action.id, action);
    return Answer.of(201, JSON.createObjectNode().set("action", json(action)));
  }

  private boolean isLocked(long serverId) {
    return actions.values().stream().anyMatch(a -> a.serverId == serverId && a.status.equals("running")
        && !a.command.equals("create_server"));
  }

  private Answer createVolume(JsonNode body) {
    String name = body.path("name").asText("");
    if (name.isEmpty() || name.length() > 64 || !name.matches("[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?")) {
      return invalidInput("name");
    }
    long size = body.path("size").asLong(0);
    if (size < 10 || size > 10_240) {
      return invalidInput("size");
    }
    String location = body.path("location").asText("");
    if (!LOCATIONS.contains(location)) {
      return Answer.of(400, errorBody("invalid_input", INVALID_LOCATION_MESSAGE));
    }
    if (volumes.values().stream().anyMatch(v -> v.name.equals(name))) {
      return Answer.of(409, errorBody("uniqueness_error", "volume name is already used"));
    }
    Map<String, String> labels = new LinkedHashMap<>();
    body.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    long id = addVolume(name, location, size, labels);
    Action action = new Action(nextActionId++, 0, "create_volume", Instant.now());
    action.status = "success";
    action.volumeId = id;
    actions.put(action.id, action);
    ObjectNode answer = JSON.createObjectNode();
    answer.set("volume", json(volumes.get(id)));
    answer.set("action", json(action));
    answer.putArray("next_actions");
    return Answer.of(201, answer);
  }

  private Answer listVolumes(Map<String, String> query) {
    String selector = query.get("label_selector");
    List<JsonNode> matching = volumes.values().stream()
        .filter(v -> selector == null || matches(selector, v.labels))
        .<JsonNode>map(this::json).toList();
    return page(query, "volumes", matching);
  }

  private Answer volumeAction(long volumeId, String command, JsonNode body) {
    Volume volume = volumes.get(volumeId);
    if (volume == null) {
      return Answer.of(404, errorBody("not_found", "volume with ID '" + volumeId + "' not found"));
    }
    long serverId;
    switch (command) {
      case "attach" -> {
        serverId = body.path("server").asLong();
        Server server = servers.get(serverId);
        if (server == null || !server.location.equals(volume.location)) {
          return invalidInput("server");
        }
        if (volume.serverId != 0 && volume.serverId != serverId) {
          return Answer.of(422, errorBody("volume_already_attached", "volume is already attached to a server"));
        }
      }
      case "detach" -> serverId = volume.serverId;
      default -> {
        return Answer.of(404, errorBody("not_found", "action '" + command + "' not found"));
      }
    }
    if (serverId != 0 && isLocked(serverId)) {
      return Answer.of(423, errorBody("locked", LOCKED_MESSAGE));
    }
    recordAction(command + "_volume");
    Action action = new Action(nextActionId++, serverId, command + "_volume", Instant.now().plus(actionDelay));
    action.volumeId = volumeId;
    actions.put(action.id, action);
    return Answer.of(201, JSON.createObjectNode().set("action", json(action)));
  }

  private void settleActions() {
    Instant now = Instant.now();
    for (Action action : actions.values()) {
      if (action.status.equals("running") && !now.isBefore(action.completesAt)) {
        Server server = servers.get(action.serverId);
        if (server == null) {
          action.status = "error";
          continue;
        }
        action.status = "success";
        Volume volume = volumes.get(action.volumeId);
        switch (action.command) {
          case "shutdown" -> server.offAt = action.completesAt.plus(shutdownLag);
          case "poweroff" -> server.offAt = action.completesAt;
          case "poweron" -> server.offAt = null;
          case "attach_volume" -> volume.serverId = server.id;
          case "detach_volume" -> volume.serverId = 0;
          default -> { }
        }
      }
    }
  }

  private ObjectNode json(Server server) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", server.id);
    node.put("name", server.name);
    boolean starting = actions.values().stream()
        .anyMatch(a -> a.serverId == server.id && a.status.equals("running") && a.command.equals("create_server"));
    boolean off = server.offAt != null && !Instant.now().isBefore(server.offAt);
    node.put("status", off ? "off" : starting ? "initializing" : "running");
    node.put("created", server.createdAt.toString());
    ObjectNode labels = node.putObject("labels");
    server.labels.forEach(labels::put);
    ObjectNode publicNet = node.putObject("public_net");
    publicNet.putObject("ipv4").put("ip", "198.51.100." + (server.id % 250)).put("blocked", false);
    // every server gets a /64 of its own
    publicNet.putObject("ipv6").put("ip", String.format("2001:db8:%x:%x::/64", (server.id >>> 16) & 0xffff,
        server.id & 0xffff))
        .put("blocked", false);
    node.putObject("server_type").put("name", "cx22");
    node.put("locked", isLocked(server.id));
    node.putObject("protection").put("delete", server.deleteProtected).put("rebuild", server.deleteProtected);
    ArrayNode attached = node.putArray("volumes");
    volumes.values().stream().filter(v -> v.serverId == server.id).forEach(v -> attached.add(v.id));
    node.putObject("datacenter").putObject("location").put("name", server.location);
    return node;
  }

  private ObjectNode json(Volume volume) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", volume.id);
    node.put("name", volume.name);
    node.put("size", volume.size);
    if (volume.serverId == 0) {
      node.putNull("server");
    } else {
      node.put("server", volume.serverId);
    }
    node.putObject("location").put("name", volume.location);
    ObjectNode labels = node.putObject("labels");
    volume.labels.forEach(labels::put);
    node.put("linux_device", "/dev/disk/by-id/scsi-0HC_Volume_" + volume.id);
    node.put("status", "available");
    node.putNull("format");
    return node;
  }

  private ObjectNode json(Action action) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", action.id);
    node.put("command", action.command);
    node.put("status", action.status);
    node.put("progress", action.status.equals("running") ? 0 : 100);
    node.putNull("error");
    ArrayNode resources = node.putArray("resources");
    if (action.serverId != 0) {
      resources.addObject().put("id", action.serverId).put("type", "server");
    }
    if (action.volumeId != 0) {
      resources.addObject().put("id", action.volumeId).put("type", "volume");
    }
    return node;
  }
}

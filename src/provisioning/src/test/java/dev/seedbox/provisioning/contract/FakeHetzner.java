package dev.seedbox.provisioning.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
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
 * ({@code running} → {@code success}), pagination in {@code meta.pagination}, errors as
 * {@code {"error":{"code","message"}}}, 429 {@code rate_limit_exceeded} with the {@code RateLimit-*} headers.
 */
public final class FakeHetzner extends FakeCloudApi {

  public static final Set<String> LOCATIONS = Set.of("fsn1", "nbg1", "hel1");
  public static final String INVALID_LOCATION_MESSAGE = "invalid input in field 'location'";

  private static final Pattern SERVER = Pattern.compile("/v1/servers/(\\d+)");
  private static final Pattern SERVER_ACTION = Pattern.compile("/v1/servers/(\\d+)/actions/([a-z_]+)");
  private static final Pattern ACTION = Pattern.compile("/v1/actions/(\\d+)");

  private static final class Server {
    final long id;
    final String name;
    final Map<String, String> labels;
    final Instant createdAt;
    boolean off;
    int hiddenFromListings;

    Server(long id, String name, Map<String, String> labels, Instant createdAt) {
      this.id = id;
      this.name = name;
      this.labels = labels;
      this.createdAt = createdAt;
    }
  }

  private static final class Action {
    final long id;
    final long serverId;
    final String command;
    final Instant completesAt;
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

  public FakeHetzner(String token) {
    super(token);
  }

  @Override
  public URI baseUrl() {
    return URI.create(root() + "/v1");
  }

  public synchronized void listingLag(int requests) {
    listingLag = requests;
  }

  /** Keeps one server out of the next {@code requests} listings. */
  public synchronized void hideFromListings(long id, int requests) {
    servers.get(id).hiddenFromListings = requests;
  }

  public synchronized int createdCount() {
    return created;
  }

  public synchronized long addServer(String name, Map<String, String> labels) {
    long id = nextServerId++;
    servers.put(id, new Server(id, name, Map.copyOf(labels), Instant.now()));
    return id;
  }

  public synchronized void removeServer(long id) {
    servers.remove(id);
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
          servers.remove(id);
          Action action = new Action(nextActionId++, id, "delete_server", Instant.now());
          action.status = "success";
          actions.put(action.id, action);
          yield Answer.of(200, JSON.createObjectNode().set("action", json(action)));
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
    long id = nextServerId++;
    Server server = new Server(id, name, labels, Instant.now());
    server.hiddenFromListings = listingLag;
    servers.put(id, server);
    created++;
    Action action = new Action(nextActionId++, id, "create_server", Instant.now().plus(activationDelay));
    actions.put(action.id, action);
    ObjectNode answer = JSON.createObjectNode();
    answer.set("server", json(server));
    answer.set("action", json(action));
    answer.putArray("next_actions");
    answer.putNull("root_password");
    return Answer.of(201, answer);
  }

  private Answer invalidInput(String field) {
    return Answer.of(400, errorBody("invalid_input", "invalid input in field '" + field + "'"));
  }

  private Answer list(Map<String, String> query) {
    String selector = query.get("label_selector");
    String name = query.get("name");
    int page = Math.max(1, intParam(query, "page", 1));
    int perPage = Math.min(50, Math.max(1, intParam(query, "per_page", 25)));
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
    ObjectNode answer = JSON.createObjectNode();
    ArrayNode items = answer.putArray("servers");
    int from = (page - 1) * perPage;
    for (int i = from; i < Math.min(matching.size(), from + perPage); i++) {
      items.add(json(matching.get(i)));
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
    Action action = new Action(nextActionId++, serverId, command, Instant.now().plus(actionDelay));
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
        switch (action.command) {
          case "shutdown", "poweroff" -> server.off = true;
          case "poweron" -> server.off = false;
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
    node.put("status", server.off ? "off" : starting ? "initializing" : "running");
    node.put("created", server.createdAt.toString());
    ObjectNode labels = node.putObject("labels");
    server.labels.forEach(labels::put);
    ObjectNode ipv4 = node.putObject("public_net").putObject("ipv4");
    ipv4.put("ip", "198.51.100." + (server.id % 250)).put("blocked", false);
    node.putObject("server_type").put("name", "cx22");
    node.put("locked", false);
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
    resources.addObject().put("id", action.serverId).put("type", "server");
    return node;
  }
}

package dev.seedbox.provisioning.hetzner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.provisioning.CreateRequest;
import dev.seedbox.provisioning.PermanentProviderException;
import dev.seedbox.provisioning.Retrier;
import dev.seedbox.provisioning.RetryableProviderException;
import dev.seedbox.provisioning.RetryableProviderException.Cause;
import dev.seedbox.provisioning.ServerInfo;
import dev.seedbox.provisioning.ServerState;
import dev.seedbox.provisioning.http.CloudApiProvider;
import dev.seedbox.provisioning.http.CloudTuning;
import dev.seedbox.provisioning.http.JsonApiClient;
import dev.seedbox.provisioning.http.ProviderError;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Hetzner Cloud servers over its v1 API. A server is named {@code seedbox-<uid>} (names are unique per project, so
 * a {@code uniqueness_error} on create means it exists and is adopted) and labelled {@value #MANAGED_LABEL}=true and
 * {@value #UID_LABEL}=&lt;uid&gt;.
 */
public final class HetznerProvider extends CloudApiProvider {

  public static final String DEFAULT_API_URL = "https://api.hetzner.cloud/v1";
  public static final String DEFAULT_IMAGE = "debian-12";
  public static final String MANAGED_LABEL = "seedbox.dev/managed";
  public static final String UID_LABEL = "seedbox.dev/uid";

  private static final int PAGE_SIZE = 50;

  private final JsonApiClient api;
  private final String image;

  public HetznerProvider(URI baseUrl, String token, CloudTuning tuning) {
    this(baseUrl, token, tuning, HttpClient.newBuilder().connectTimeout(tuning.requestTimeout()).build(),
        DEFAULT_IMAGE);
  }

  public HetznerProvider(URI baseUrl, String token, CloudTuning tuning, HttpClient http, String image) {
    super(ProviderKind.HETZNER, tuning);
    this.api = new JsonApiClient("Hetzner", baseUrl, token, http, tuning.requestTimeout(),
        new Retrier(tuning.retry(), tuning.sleeper()), tuning.clock(), JsonApiClient.ResetMeaning.BUCKET_FULL,
        HetznerProvider::readError);
    this.image = image;
  }

  public static String serverName(String seedboxUid) {
    return "seedbox-" + seedboxUid;
  }

  /** Hetzner errors read {@code {"error": {"code": "...", "message": "..."}}}. */
  static ProviderError readError(JsonNode body) {
    JsonNode error = body.path("error");
    return new ProviderError(error.path("code").asText("unknown"), error.path("message").asText(null));
  }

  @Override
  protected List<ServerInfo> findBySeedboxUid(String seedboxUid) {
    return listBySelector(UID_LABEL + "==" + seedboxUid);
  }

  @Override
  protected Optional<ServerInfo> postCreate(CreateRequest request) {
    ObjectNode body = JsonApiClient.json().createObjectNode();
    body.put("name", serverName(request.seedboxUid()));
    body.put("server_type", request.size());
    body.put("location", request.region());
    body.put("image", image);
    body.put("user_data", request.userData());
    body.put("start_after_create", true);
    body.putObject("labels").put(MANAGED_LABEL, "true").put(UID_LABEL, request.seedboxUid());
    try {
      JsonNode answer = api.post("/servers", body, false);
      return Optional.of(readServer(api.require(answer, "POST /servers", "server"), "POST /servers"));
    } catch (PermanentProviderException e) {
      if (e.httpStatus() == 409 && "uniqueness_error".equals(e.providerCode())) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  protected Optional<ServerInfo> fetch(long id) {
    String path = "/servers/" + id;
    return api.getIfPresent(path).map(body -> readServer(api.require(body, "GET " + path, "server"), "GET " + path));
  }

  @Override
  protected long startAction(long serverId, PowerAction action) {
    String command = switch (action) {
      case SHUTDOWN -> "shutdown";
      case POWER_OFF -> "poweroff";
      case POWER_ON -> "poweron";
    };
    String path = "/servers/" + serverId + "/actions/" + command;
    return api.requireId(api.post(path, JsonApiClient.json().createObjectNode(), true), "POST " + path, "action",
        "id");
  }

  @Override
  protected ActionProgress actionProgress(long actionId) {
    String path = "/actions/" + actionId;
    String status = api.require(api.get(path), "GET " + path, "action", "status").asText();
    return switch (status) {
      case "success" -> ActionProgress.DONE;
      case "error" -> ActionProgress.FAILED;
      case "running" -> ActionProgress.RUNNING;
      default -> throw new RetryableProviderException(Cause.MALFORMED_RESPONSE,
          "Hetzner GET /actions answered with unknown action status '" + status + "'");
    };
  }

  @Override
  protected void delete(long serverId) {
    api.deleteIfPresent("/servers/" + serverId);
  }

  @Override
  public int terminateBySeedboxUid(String seedboxUid) {
    List<ServerInfo> servers = findBySeedboxUid(seedboxUid);
    for (ServerInfo server : servers) {
      delete(server.ref().id());
    }
    return servers.size();
  }

  @Override
  protected List<ServerInfo> listAllManaged() {
    return listBySelector(MANAGED_LABEL + "==true");
  }

  private List<ServerInfo> listBySelector(String selector) {
    List<ServerInfo> servers = new ArrayList<>();
    int page = 1;
    while (true) {
      String path = "/servers?label_selector=" + URLEncoder.encode(selector, StandardCharsets.UTF_8) + "&page="
          + page + "&per_page=" + PAGE_SIZE;
      JsonNode answer = api.get(path);
      JsonNode list = api.require(answer, "GET /servers", "servers");
      if (!list.isArray()) {
        throw new RetryableProviderException(Cause.MALFORMED_RESPONSE,
            "Hetzner GET /servers answered with 'servers' that is not a list");
      }
      for (JsonNode server : list) {
        if (server.path("labels").hasNonNull(UID_LABEL)) {
          servers.add(readServer(server, "GET /servers"));
        }
      }
      JsonNode next = answer.path("meta").path("pagination").path("next_page");
      if (!next.isIntegralNumber() || list.isEmpty()) {
        return servers;
      }
      page = next.asInt();
    }
  }

  private ServerInfo readServer(JsonNode server, String operation) {
    long id = api.requireId(server, operation, "id");
    String status = api.require(server, operation, "status").asText();
    String uid = api.require(server, operation, "labels", UID_LABEL).asText();
    String ipv4 = server.path("public_net").path("ipv4").path("ip").asText(null);
    return new ServerInfo(ref(id), uid, mapStatus(status), status, ipv4);
  }

  static ServerState mapStatus(String status) {
    return switch (status) {
      case "initializing" -> ServerState.PROVISIONING;
      case "starting" -> ServerState.STARTING;
      case "running" -> ServerState.RUNNING;
      case "stopping" -> ServerState.STOPPING;
      case "off" -> ServerState.OFF;
      case "deleting" -> ServerState.DELETING;
      case "rebuilding", "migrating" -> ServerState.MAINTENANCE;
      default -> ServerState.UNKNOWN;
    };
  }
}

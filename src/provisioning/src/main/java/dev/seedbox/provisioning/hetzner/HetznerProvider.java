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
import dev.seedbox.provisioning.ServerRef;
import dev.seedbox.provisioning.ServerState;
import dev.seedbox.provisioning.VolumeInfo;
import dev.seedbox.provisioning.http.ErrorClassifier;
import dev.seedbox.provisioning.http.ErrorClassifier.Refusal;
import dev.seedbox.provisioning.http.CloudApiProvider;
import dev.seedbox.provisioning.http.CloudTuning;
import dev.seedbox.provisioning.http.JsonApiClient;
import dev.seedbox.provisioning.http.ProviderError;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
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
        HetznerProvider::readError, HetznerProvider::classify);
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

  /**
   * 403 {@code forbidden} is a token without the permission (a read-only token); 403 {@code protected} is a resource
   * with deletion or rebuild protection, which no retry changes; {@code locked} (423) is an action already running.
   */
  static Refusal classify(int status, ProviderError error) {
    if (status == 403) {
      return "protected".equals(error.code()) ? Refusal.PERMANENT : Refusal.UNAUTHORIZED;
    }
    if ("locked".equals(error.code())) {
      return Refusal.BUSY;
    }
    return ErrorClassifier.common(status, error);
  }

  @Override
  protected List<ServerInfo> findBySeedboxUid(String seedboxUid) {
    return listBySelector(UID_LABEL + "==" + seedboxUid);
  }

  @Override
  protected Optional<ServerInfo> postCreate(CreateRequest request, VolumeInfo volume, String sshKey) {
    ObjectNode body = JsonApiClient.json().createObjectNode();
    body.put("name", serverName(request.seedboxUid()));
    body.put("server_type", request.size());
    body.put("location", request.region());
    body.put("image", image);
    body.put("user_data", request.userData());
    body.put("start_after_create", true);
    body.putObject("labels").put(MANAGED_LABEL, "true").put(UID_LABEL, request.seedboxUid());
    if (volume != null) {
      body.putArray("volumes").add(Long.parseLong(volume.id()));
      body.put("automount", false);
    }
    if (sshKey != null) {
      body.putArray("ssh_keys").add(Long.parseLong(sshKey));
    }
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

  /** Named by its id; labelled like our servers, so it is found by the Seedbox's UID. */
  @Override
  protected String ensureSshKey(CreateRequest request) {
    List<Long> ours = sshKeys(request.seedboxUid());
    if (!ours.isEmpty()) {
      return Long.toString(ours.get(0));
    }
    ObjectNode body = JsonApiClient.json().createObjectNode();
    body.put("name", request.sshKeyName());
    body.put("public_key", request.sshPublicKey());
    body.putObject("labels").put(MANAGED_LABEL, "true").put(UID_LABEL, request.seedboxUid());
    try {
      JsonNode answer = api.post("/ssh_keys", body, true);
      return Long.toString(api.requireId(answer, "POST /ssh_keys", "ssh_key", "id"));
    } catch (PermanentProviderException e) {
      if (e.httpStatus() != 409 || !"uniqueness_error".equals(e.providerCode())) {
        throw e;
      }
    }
    // the same key or name is registered already (a repeated POST whose first answer was lost): find it by the key
    String path = "/ssh_keys?fingerprint=" + URLEncoder.encode(md5Fingerprint(request.sshPublicKey()),
        StandardCharsets.UTF_8);
    JsonNode keys = api.require(api.get(path), "GET /ssh_keys", "ssh_keys");
    if (keys.isEmpty()) {
      throw new RetryableProviderException(Cause.BUSY, "Hetzner refused ssh key " + request.sshKeyName()
          + " as not unique but lists no key with its fingerprint; retrying");
    }
    return Long.toString(api.requireId(keys.get(0), "GET /ssh_keys", "id"));
  }

  @Override
  protected void deleteSshKeys(String seedboxUid) {
    for (long id : sshKeys(seedboxUid)) {
      api.deleteIfPresent("/ssh_keys/" + id);
    }
  }

  private List<Long> sshKeys(String seedboxUid) {
    return listPages("ssh_keys", UID_LABEL + "==" + seedboxUid, key -> api.requireId(key, "GET /ssh_keys", "id"));
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
  protected List<ServerInfo> listAllManaged() {
    return listBySelector(MANAGED_LABEL + "==true");
  }

  @Override
  protected List<VolumeInfo> findVolumes(String seedboxUid) {
    return listPages("volumes", UID_LABEL + "==" + seedboxUid, this::readVolume);
  }

  @Override
  protected List<VolumeInfo> listAllManagedVolumes() {
    return listPages("volumes", MANAGED_LABEL + "==true", this::readVolume);
  }

  @Override
  protected Optional<VolumeInfo> postVolume(CreateRequest request) {
    ObjectNode body = JsonApiClient.json().createObjectNode();
    body.put("name", serverName(request.seedboxUid()));
    body.put("size", request.volumeGb());
    body.put("location", request.region());
    body.put("automount", false);
    body.putObject("labels").put(MANAGED_LABEL, "true").put(UID_LABEL, request.seedboxUid());
    try {
      JsonNode answer = api.post("/volumes", body, false);
      return Optional.of(readVolume(api.require(answer, "POST /volumes", "volume")));
    } catch (PermanentProviderException e) {
      if (e.httpStatus() == 409 && "uniqueness_error".equals(e.providerCode())) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  protected long startVolumeAction(VolumeInfo volume, VolumeAction action, long serverId) {
    ObjectNode body = JsonApiClient.json().createObjectNode();
    String command;
    if (action == VolumeAction.ATTACH) {
      command = "attach";
      body.put("server", serverId).put("automount", false);
    } else {
      command = "detach";
    }
    String path = "/volumes/" + volume.id() + "/actions/" + command;
    return api.requireId(api.post(path, body, true), "POST " + path, "action", "id");
  }

  @Override
  protected void deleteVolume(VolumeInfo volume) {
    api.deleteIfPresent("/volumes/" + volume.id());
  }

  private List<ServerInfo> listBySelector(String selector) {
    return listPages("servers", selector, server -> readServer(server, "GET /servers"));
  }

  /** Every page of a labelled collection; items without our UID label are not ours and are skipped. */
  private <T> List<T> listPages(String collection, String selector, java.util.function.Function<JsonNode, T> read) {
    List<T> items = new ArrayList<>();
    int page = 1;
    while (true) {
      String path = "/" + collection + "?label_selector=" + URLEncoder.encode(selector, StandardCharsets.UTF_8)
          + "&page=" + page + "&per_page=" + PAGE_SIZE;
      JsonNode answer = api.get(path);
      JsonNode list = api.require(answer, "GET /" + collection, collection);
      if (!list.isArray()) {
        throw new RetryableProviderException(Cause.MALFORMED_RESPONSE,
            "Hetzner GET /" + collection + " answered with '" + collection + "' that is not a list");
      }
      for (JsonNode item : list) {
        if (item.path("labels").hasNonNull(UID_LABEL)) {
          items.add(read.apply(item));
        }
      }
      JsonNode next = answer.path("meta").path("pagination").path("next_page");
      if (!next.isIntegralNumber() || list.isEmpty()) {
        return items;
      }
      page = next.asInt();
    }
  }

  private VolumeInfo readVolume(JsonNode volume) {
    String operation = "GET /volumes";
    long id = api.requireId(volume, operation, "id");
    String uid = api.require(volume, operation, "labels", UID_LABEL).asText();
    long size = api.require(volume, operation, "size").asLong();
    String location = api.require(volume, operation, "location", "name").asText();
    JsonNode server = volume.path("server");
    ServerRef attached = server.isIntegralNumber() && server.asLong() > 0 ? ref(server.asLong()) : null;
    return new VolumeInfo(Long.toString(id), uid, size, location, attached);
  }

  private ServerInfo readServer(JsonNode server, String operation) {
    long id = api.requireId(server, operation, "id");
    String status = api.require(server, operation, "status").asText();
    String uid = api.require(server, operation, "labels", UID_LABEL).asText();
    String ipv4 = server.path("public_net").path("ipv4").path("ip").asText(null);
    return new ServerInfo(ref(id), uid, mapStatus(status), status, ipv4,
        serverIpv6(server.path("public_net").path("ipv6").path("ip").asText(null)));
  }

  /**
   * Hetzner gives each server an IPv6 /64 ({@code public_net.ipv6.ip}, e.g. {@code 2001:db8:1:2::/64}) and its image
   * configures the network's first address, {@code ::1}, on the server: that is where the server answers.
   */
  static String serverIpv6(String network) {
    if (network == null || !network.endsWith("/64") || !network.contains(":")) {
      return null;
    }
    String prefix = network.substring(0, network.length() - "/64".length());
    if (prefix.endsWith("::")) {
      // the usual compressed form: the network's low 64 bits are the zeros at its end
      return prefix + "1";
    }
    try {
      // an IPv6 literal: parsed, never looked up
      byte[] bytes = InetAddress.getByName(prefix).getAddress();
      if (bytes.length != 16) {
        return null;
      }
      bytes[15] = 1;
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (UnknownHostException e) {
      return null;
    }
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

package dev.seedbox.provisioning.digitalocean;

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
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * DigitalOcean droplets over the v2 API ({@code java.net.http}, 64-bit ids). Each droplet carries the tags
 * {@value #MANAGED_TAG} and {@code seedbox-uid:<uid>}; create looks the UID tag up first and adopts what it finds.
 * A plan's storage is a block storage volume named {@code seedbox-<uid>} with the same tags, in the droplet's
 * region, attached at create; terminating detaches and deletes it with the droplet.
 */
public final class DigitalOceanProvider extends CloudApiProvider {

  public static final String DEFAULT_API_URL = "https://api.digitalocean.com";
  public static final String DEFAULT_IMAGE = "debian-12-x64";
  /** On every droplet we create: the orphan sweep lists by it. */
  public static final String MANAGED_TAG = "seedbox-managed";
  /** Prefix of the tag that holds the Seedbox UID (DO tags allow letters, digits, ':', '-' and '_'). */
  public static final String UID_TAG_PREFIX = "seedbox-uid:";

  private static final int PAGE_SIZE = 200;

  private final JsonApiClient api;
  private final String image;

  public DigitalOceanProvider(URI baseUrl, String token, CloudTuning tuning) {
    this(baseUrl, token, tuning, HttpClient.newBuilder().connectTimeout(tuning.requestTimeout()).build(),
        DEFAULT_IMAGE);
  }

  public DigitalOceanProvider(URI baseUrl, String token, CloudTuning tuning, HttpClient http, String image) {
    super(ProviderKind.DIGITALOCEAN, tuning);
    this.api = new JsonApiClient("DigitalOcean", baseUrl, token, http, tuning.requestTimeout(),
        new Retrier(tuning.retry(), tuning.sleeper()), tuning.clock(),
        JsonApiClient.ResetMeaning.NEXT_REQUEST_ALLOWED, DigitalOceanProvider::readError,
        DigitalOceanProvider::classify);
    this.image = image;
  }

  /** The tag that carries a Seedbox UID. */
  public static String uidTag(String seedboxUid) {
    return UID_TAG_PREFIX + seedboxUid;
  }

  /** DigitalOcean errors read {@code {"id": "not_found", "message": "..."}}. */
  static ProviderError readError(JsonNode body) {
    return new ProviderError(body.path("id").asText("unknown"), body.path("message").asText(null));
  }

  /**
   * 403 is a token without the scope the call needs; 422 "already has a pending event" is a droplet busy with
   * another action (DigitalOcean answers it with 422, not 423).
   */
  static Refusal classify(int status, ProviderError error) {
    if (status == 403) {
      return Refusal.UNAUTHORIZED;
    }
    if (status == 422 && error.message() != null && error.message().toLowerCase().contains("pending event")) {
      return Refusal.BUSY;
    }
    return ErrorClassifier.common(status, error);
  }

  public static String volumeName(String seedboxUid) {
    return "seedbox-" + seedboxUid;
  }

  @Override
  protected List<ServerInfo> findBySeedboxUid(String seedboxUid) {
    return listByTag(uidTag(seedboxUid));
  }

  @Override
  protected Optional<ServerInfo> postCreate(CreateRequest request, VolumeInfo volume, String sshKey) {
    ObjectNode body = JsonApiClient.json().createObjectNode();
    body.put("name", "seedbox-" + request.seedboxUid());
    body.put("region", request.region());
    body.put("size", request.size());
    body.put("image", image);
    body.put("user_data", request.userData());
    body.put("monitoring", true);
    // a public IPv6 address too, published as the web UI's AAAA record
    body.put("ipv6", true);
    body.putArray("tags").add(MANAGED_TAG).add(uidTag(request.seedboxUid()));
    if (volume != null) {
      body.putArray("volumes").add(volume.id());
    }
    if (sshKey != null) {
      body.putArray("ssh_keys").add(sshKey);
    }
    JsonNode answer = api.post("/v2/droplets", body, false);
    return Optional.of(readDroplet(api.require(answer, "POST /v2/droplets", "droplet"), "POST /v2/droplets"));
  }

  /** Named by its fingerprint, which DigitalOcean accepts in a create wherever it accepts the key's id. */
  @Override
  protected String ensureSshKey(CreateRequest request) {
    String fingerprint = md5Fingerprint(request.sshPublicKey());
    if (api.getIfPresent("/v2/account/keys/" + fingerprint).isPresent()) {
      return fingerprint;
    }
    ObjectNode body = JsonApiClient.json().createObjectNode();
    body.put("name", request.sshKeyName());
    body.put("public_key", request.sshPublicKey());
    try {
      api.post("/v2/account/keys", body, true);
    } catch (PermanentProviderException e) {
      // "SSH Key is already in use on your account": a repeated POST whose first answer was lost
      if (e.httpStatus() != 422) {
        throw e;
      }
    }
    return fingerprint;
  }

  /** DigitalOcean filters keys by nothing: the account's keys are read page by page and ours picked by name. */
  @Override
  protected void deleteSshKeys(String seedboxUid) {
    String name = CreateRequest.sshKeyName(seedboxUid);
    List<Long> ours = new ArrayList<>();
    for (int page = 1; ; page++) {
      JsonNode answer = api.get("/v2/account/keys?page=" + page + "&per_page=" + PAGE_SIZE);
      JsonNode keys = api.require(answer, "GET /v2/account/keys", "ssh_keys");
      for (JsonNode key : keys) {
        if (name.equals(key.path("name").asText())) {
          ours.add(api.requireId(key, "GET /v2/account/keys", "id"));
        }
      }
      if (!answer.path("links").path("pages").hasNonNull("next") || keys.isEmpty()) {
        break;
      }
    }
    for (long id : ours) {
      api.deleteIfPresent("/v2/account/keys/" + id);
    }
  }

  @Override
  protected Optional<ServerInfo> fetch(long id) {
    String path = "/v2/droplets/" + id;
    return api.getIfPresent(path).map(body -> readDroplet(api.require(body, "GET " + path, "droplet"), "GET " + path));
  }

  @Override
  protected long startAction(long serverId, PowerAction action) {
    String type = switch (action) {
      case SHUTDOWN -> "shutdown";
      case POWER_OFF -> "power_off";
      case POWER_ON -> "power_on";
    };
    ObjectNode body = JsonApiClient.json().createObjectNode().put("type", type);
    String path = "/v2/droplets/" + serverId + "/actions";
    // A repeated power action is harmless: the droplet ends in the same state.
    return api.requireId(api.post(path, body, true), "POST " + path, "action", "id");
  }

  @Override
  protected ActionProgress actionProgress(long actionId) {
    String path = "/v2/actions/" + actionId;
    String status = api.require(api.get(path), "GET " + path, "action", "status").asText();
    return switch (status) {
      case "completed" -> ActionProgress.DONE;
      case "errored" -> ActionProgress.FAILED;
      case "in-progress" -> ActionProgress.RUNNING;
      default -> throw new RetryableProviderException(Cause.MALFORMED_RESPONSE,
          "DigitalOcean GET /v2/actions answered with unknown action status '" + status + "'");
    };
  }

  @Override
  protected void delete(long serverId) {
    api.deleteIfPresent("/v2/droplets/" + serverId);
  }

  @Override
  protected List<ServerInfo> listAllManaged() {
    return listByTag(MANAGED_TAG);
  }

  @Override
  protected List<VolumeInfo> findVolumes(String seedboxUid) {
    String tag = uidTag(seedboxUid);
    return listVolumes().stream().filter(v -> v.tags.contains(tag)).map(v -> v.info).toList();
  }

  @Override
  protected List<VolumeInfo> listAllManagedVolumes() {
    return listVolumes().stream().filter(v -> v.tags.contains(MANAGED_TAG)).map(v -> v.info).toList();
  }

  @Override
  protected Optional<VolumeInfo> postVolume(CreateRequest request) {
    ObjectNode body = JsonApiClient.json().createObjectNode();
    body.put("name", volumeName(request.seedboxUid()));
    body.put("region", request.region());
    body.put("size_gigabytes", request.volumeGb());
    body.put("description", "seedbox downloads of " + request.seedboxUid());
    body.putArray("tags").add(MANAGED_TAG).add(uidTag(request.seedboxUid()));
    JsonNode answer = api.post("/v2/volumes", body, false);
    JsonNode volume = api.require(answer, "POST /v2/volumes", "volume");
    return Optional.of(readVolume(volume, "POST /v2/volumes").info);
  }

  @Override
  protected long startVolumeAction(VolumeInfo volume, VolumeAction action, long serverId) {
    ObjectNode body = JsonApiClient.json().createObjectNode();
    body.put("type", action == VolumeAction.ATTACH ? "attach" : "detach");
    body.put("droplet_id", serverId);
    body.put("region", volume.region());
    String path = "/v2/volumes/" + volume.id() + "/actions";
    // attaching or detaching twice ends in the same state, so a lost answer may be repeated
    return api.requireId(api.post(path, body, true), "POST /v2/volumes/{id}/actions", "action", "id");
  }

  @Override
  protected void deleteVolume(VolumeInfo volume) {
    api.deleteIfPresent("/v2/volumes/" + volume.id());
  }

  /** A volume as listed, with its tags (a volume listing cannot filter by tag). */
  private record ListedVolume(VolumeInfo info, List<String> tags) {
  }

  private List<ListedVolume> listVolumes() {
    List<ListedVolume> volumes = new ArrayList<>();
    for (int page = 1; ; page++) {
      JsonNode answer = api.get("/v2/volumes?page=" + page + "&per_page=" + PAGE_SIZE);
      JsonNode list = api.require(answer, "GET /v2/volumes", "volumes");
      if (!list.isArray()) {
        throw new RetryableProviderException(Cause.MALFORMED_RESPONSE,
            "DigitalOcean GET /v2/volumes answered with 'volumes' that is not a list");
      }
      for (JsonNode volume : list) {
        if (uidOf(volume).isPresent()) {
          volumes.add(readVolume(volume, "GET /v2/volumes"));
        }
      }
      if (!answer.path("links").path("pages").hasNonNull("next") || list.isEmpty()) {
        return volumes;
      }
    }
  }

  private ListedVolume readVolume(JsonNode volume, String operation) {
    String id = api.require(volume, operation, "id").asText();
    String uid = uidOf(volume).orElseThrow(() -> new RetryableProviderException(Cause.MALFORMED_RESPONSE,
        "DigitalOcean " + operation + " answered with volume " + id + " without its " + UID_TAG_PREFIX + " tag"));
    long size = api.require(volume, operation, "size_gigabytes").asLong();
    String region = api.require(volume, operation, "region", "slug").asText();
    JsonNode droplets = volume.path("droplet_ids");
    ServerRef attached = droplets.isArray() && !droplets.isEmpty() && droplets.get(0).canConvertToLong()
        && droplets.get(0).asLong() > 0 ? ref(droplets.get(0).asLong()) : null;
    List<String> tags = new ArrayList<>();
    volume.path("tags").forEach(t -> tags.add(t.asText()));
    return new ListedVolume(new VolumeInfo(id, uid, size, region, attached), tags);
  }

  private List<ServerInfo> listByTag(String tag) {
    List<ServerInfo> servers = new ArrayList<>();
    for (int page = 1; ; page++) {
      String path = "/v2/droplets?tag_name=" + encode(tag) + "&page=" + page + "&per_page=" + PAGE_SIZE;
      JsonNode answer = api.get(path);
      JsonNode droplets = api.require(answer, "GET /v2/droplets", "droplets");
      if (!droplets.isArray()) {
        throw new RetryableProviderException(Cause.MALFORMED_RESPONSE,
            "DigitalOcean GET /v2/droplets answered with 'droplets' that is not a list");
      }
      for (JsonNode droplet : droplets) {
        readManaged(droplet).ifPresent(servers::add);
      }
      boolean more = answer.path("links").path("pages").hasNonNull("next");
      if (!more || droplets.isEmpty()) {
        return servers;
      }
    }
  }

  /** A droplet in a tag listing; one without our UID tag is not ours and is skipped. */
  private Optional<ServerInfo> readManaged(JsonNode droplet) {
    return uidOf(droplet).isPresent() ? Optional.of(readDroplet(droplet, "GET /v2/droplets")) : Optional.empty();
  }

  private ServerInfo readDroplet(JsonNode droplet, String operation) {
    long id = api.requireId(droplet, operation, "id");
    String status = api.require(droplet, operation, "status").asText();
    String uid = uidOf(droplet).orElseThrow(() -> new RetryableProviderException(Cause.MALFORMED_RESPONSE,
        "DigitalOcean " + operation + " answered with droplet " + id + " without its " + UID_TAG_PREFIX + " tag"));
    return new ServerInfo(ref(id), uid, mapStatus(status), status, publicIpv4(droplet), publicIpv6(droplet));
  }

  /** The UID from a droplet's or volume's tags. */
  private static Optional<String> uidOf(JsonNode resource) {
    for (JsonNode tag : resource.path("tags")) {
      String text = tag.asText();
      if (text.startsWith(UID_TAG_PREFIX) && text.length() > UID_TAG_PREFIX.length()) {
        return Optional.of(text.substring(UID_TAG_PREFIX.length()));
      }
    }
    return Optional.empty();
  }

  private static String publicIpv6(JsonNode droplet) {
    for (JsonNode network : droplet.path("networks").path("v6")) {
      if ("public".equals(network.path("type").asText())) {
        return network.path("ip_address").asText(null);
      }
    }
    return null;
  }

  private static String publicIpv4(JsonNode droplet) {
    for (JsonNode network : droplet.path("networks").path("v4")) {
      if ("public".equals(network.path("type").asText())) {
        return network.path("ip_address").asText(null);
      }
    }
    return null;
  }

  static ServerState mapStatus(String status) {
    return switch (status) {
      case "new" -> ServerState.PROVISIONING;
      case "active" -> ServerState.RUNNING;
      case "off" -> ServerState.OFF;
      case "archive" -> ServerState.ARCHIVED;
      default -> ServerState.UNKNOWN;
    };
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}

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
 * A stateful fake of the DigitalOcean v2 API: droplets ({@code new} → {@code active} after a delay, {@code off}
 * after shutdown or power_off), actions ({@code in-progress} → {@code completed}; while one runs, another action on
 * the droplet is refused with 422 "Droplet already has a pending event."), a shutdown that only confirms the request
 * (the droplet goes off some time after it completes), block storage volumes (tags, one droplet each, same region,
 * attach and detach actions), account SSH keys (by id or fingerprint; a public key registered twice is 422 "SSH
 * Key is already in use on your account"; a droplet created without one gets a root password by e-mail, which the
 * fake records), tags, pagination, 404s as {@code {"id":"not_found","message":...}}, 429 with
 * {@code retry-after} and the {@code ratelimit-*} headers, and ids above 2^31.
 */
public final class FakeDigitalOcean extends FakeCloudApi {

  public static final Set<String> REGIONS = Set.of("nyc1", "fra1", "ams3");
  public static final String INVALID_REGION_MESSAGE = "You specified an invalid region for Droplet creation.";

  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9:_-]{1,255}");
  private static final Pattern DROPLET = Pattern.compile("/v2/droplets/(\\d+)");
  private static final Pattern DROPLET_ACTIONS = Pattern.compile("/v2/droplets/(\\d+)/actions");
  private static final Pattern ACTION = Pattern.compile("/v2/actions/(\\d+)");
  private static final Pattern VOLUME = Pattern.compile("/v2/volumes/([0-9a-f-]{36})");
  private static final Pattern VOLUME_ACTIONS = Pattern.compile("/v2/volumes/([0-9a-f-]{36})/actions");
  private static final Pattern SSH_KEY = Pattern.compile("/v2/account/keys/([0-9a-f:]+)");
  private static final Pattern VOLUME_NAME = Pattern.compile("[a-z][a-z0-9-]{0,63}");
  public static final String PENDING_EVENT_MESSAGE = "Droplet already has a pending event.";

  private static final class Volume {
    final String id;
    final String name;
    final String region;
    final long sizeGb;
    final List<String> tags;
    long dropletId;

    Volume(String id, String name, String region, long sizeGb, List<String> tags) {
      this.id = id;
      this.name = name;
      this.region = region;
      this.sizeGb = sizeGb;
      this.tags = tags;
    }
  }

  private static final class Droplet {
    final long id;
    final String name;
    final String region;
    final String size;
    final List<String> tags;
    final Instant createdAt;
    final String userData;
    /** The account keys the create named, as ids; none means DigitalOcean mailed a root password. */
    List<Long> sshKeys = List.of();
    /** Whether the create asked for a public IPv6 address. */
    boolean ipv6;
    /** When the droplet is (or will be) off; null while it runs. */
    Instant offAt;
    int hiddenFromListings;

    Droplet(long id, String name, String region, String size, List<String> tags, Instant createdAt, String userData) {
      this.id = id;
      this.name = name;
      this.region = region;
      this.size = size;
      this.tags = tags;
      this.createdAt = createdAt;
      this.userData = userData;
    }
  }

  /** An account SSH key as DigitalOcean keeps it. */
  private record SshKey(long id, String name, String publicKey, String fingerprint) {
  }

  private static final class Action {
    final long id;
    final long dropletId;
    final String type;
    Instant completesAt;
    final String volumeId;
    boolean errs;
    String status = "in-progress";

    Action(long id, long dropletId, String type, Instant completesAt) {
      this(id, dropletId, type, completesAt, null);
    }

    Action(long id, long dropletId, String type, Instant completesAt, String volumeId) {
      this.id = id;
      this.dropletId = dropletId;
      this.type = type;
      this.completesAt = completesAt;
      this.volumeId = volumeId;
    }
  }

  private final TreeMap<Long, Droplet> droplets = new TreeMap<>();
  private final Map<Long, Action> actions = new LinkedHashMap<>();
  private long nextDropletId = 3_000_000_000L;
  private long nextActionId = 2_200_000_000L;
  private final TreeMap<String, Volume> volumes = new TreeMap<>();
  private final TreeMap<Long, SshKey> sshKeys = new TreeMap<>();
  private long nextSshKeyId = 41_000_000L;
  private long nextVolume = 1;
  private boolean shutdownHangs;
  private Duration shutdownLag = Duration.ZERO;
  private boolean nextShutdownPends;
  private int listingLag;
  private int created;

  public FakeDigitalOcean(String token) {
    super(token);
  }

  @Override
  public URI baseUrl() {
    return root();
  }

  /** Shutdown actions complete but the droplet never goes off, as with an OS that ignores ACPI. */
  public synchronized void shutdownHangs(boolean value) {
    shutdownHangs = value;
  }

  /** After a shutdown action completes, the droplet keeps running this long while its OS goes down. */
  @Override
  public synchronized void shutdownLag(Duration lag) {
    shutdownLag = lag;
  }

  /**
   * The next shutdown action stays in progress until {@link #endHungShutdowns()}, as a hung shutdown does;
   * meanwhile every other action on the droplet is refused with 422 {@value #PENDING_EVENT_MESSAGE}.
   */
  public synchronized void nextShutdownHangs() {
    nextShutdownPends = true;
  }

  /** Hung shutdowns end as DigitalOcean ends them eventually: errored. */
  public synchronized void endHungShutdowns() {
    actions.values().stream().filter(a -> a.errs && a.status.equals("in-progress"))
        .forEach(a -> a.completesAt = Instant.now());
  }

  public synchronized int volumeCount() {
    return volumes.size();
  }

  /** Adds a volume directly, as someone else in the same account (or an earlier run of ours) would. */
  public synchronized String addVolume(String name, String region, long sizeGb, List<String> tags) {
    String id = String.format("506f78a4-e098-11e5-ad9f-%012d", nextVolume++);
    volumes.put(id, new Volume(id, name, region, sizeGb, List.copyOf(tags)));
    return id;
  }

  /** New droplets stay out of tag listings for this many listing requests (the API is eventually consistent). */
  @Override
  public synchronized void listingLag(int requests) {
    listingLag = requests;
  }

  /** Droplets created through the API, adoption not counted. */
  @Override
  public synchronized int createdCount() {
    return created;
  }

  public synchronized int dropletCount() {
    return droplets.size();
  }

  /** The user data a droplet was created with. */
  public synchronized String userData(long id) {
    return droplets.get(id).userData;
  }

  /** Adds a droplet directly, as someone else in the same account would. */
  public synchronized long addDroplet(String name, List<String> tags) {
    long id = nextDropletId++;
    droplets.put(id, new Droplet(id, name, "nyc1", "s-1vcpu-1gb", List.copyOf(tags), Instant.now(), ""));
    return id;
  }

  /** Deletes a droplet behind the control plane's back. */
  public synchronized void removeDroplet(long id) {
    droplets.remove(id);
    volumes.values().stream().filter(v -> v.dropletId == id).forEach(v -> v.dropletId = 0);
  }

  /** Listings catch up: every droplet shows up from the next listing on. */
  @Override
  public synchronized void catchUpListings() {
    listingLag = 0;
    droplets.values().forEach(d -> d.hiddenFromListings = 0);
  }

  @Override
  public String powerOffAction() {
    return "power_off";
  }

  @Override
  protected boolean isCreate(Call call) {
    return call.method().equals("POST") && call.path().equals("/v2/droplets");
  }

  @Override
  protected int createdStatus() {
    return 202;
  }

  @Override
  protected JsonNode errorBody(String code, String message) {
    return JSON.createObjectNode().put("id", code).put("message", message).put("request_id", "fake");
  }

  @Override
  protected Map<String, String> rateLimitHeaders(boolean exhausted, long resetSeconds) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("ratelimit-limit", "5000");
    headers.put("ratelimit-remaining", exhausted ? "0" : "4999");
    headers.put("ratelimit-reset", Long.toString(Instant.now().getEpochSecond() + resetSeconds));
    if (exhausted) {
      headers.put("retry-after", Long.toString(resetSeconds));
    }
    return headers;
  }

  @Override
  protected Answer route(Call call) {
    settleActions();
    String path = call.path();
    Matcher m;
    if (path.equals("/v2/droplets")) {
      return switch (call.method()) {
        case "POST" -> create(call.body());
        case "GET" -> list(call.query());
        case "DELETE" -> deleteByTag(call.query());
        default -> null;
      };
    }
    if (path.equals("/v2/volumes")) {
      return switch (call.method()) {
        case "POST" -> createVolume(call.body());
        case "GET" -> listVolumes(call.query());
        default -> null;
      };
    }
    if ((m = VOLUME_ACTIONS.matcher(path)).matches() && call.method().equals("POST")) {
      return volumeAction(m.group(1), call.body());
    }
    if ((m = VOLUME.matcher(path)).matches()) {
      Volume volume = volumes.get(m.group(1));
      if (volume == null) {
        return null;
      }
      return switch (call.method()) {
        case "GET" -> Answer.of(200, JSON.createObjectNode().set("volume", json(volume)));
        case "DELETE" -> {
          if (volume.dropletId != 0) {
            yield Answer.of(409, errorBody("conflict", "The volume is attached to a Droplet; detach it first."));
          }
          volumes.remove(volume.id);
          yield Answer.of(204, null);
        }
        default -> null;
      };
    }
    if ((m = DROPLET_ACTIONS.matcher(path)).matches() && call.method().equals("POST")) {
      return startAction(Long.parseLong(m.group(1)), call.body());
    }
    if ((m = DROPLET.matcher(path)).matches()) {
      Droplet droplet = droplets.get(Long.parseLong(m.group(1)));
      if (droplet == null) {
        return null;
      }
      return switch (call.method()) {
        case "GET" -> Answer.of(200, JSON.createObjectNode().set("droplet", json(droplet)));
        case "DELETE" -> {
          droplets.remove(droplet.id);
          volumes.values().stream().filter(v -> v.dropletId == droplet.id).forEach(v -> v.dropletId = 0);
          yield Answer.of(204, null);
        }
        default -> null;
      };
    }
    if (path.equals("/v2/account/keys")) {
      return switch (call.method()) {
        case "POST" -> createSshKey(call.body());
        case "GET" -> listSshKeys(call.query());
        default -> null;
      };
    }
    if ((m = SSH_KEY.matcher(path)).matches()) {
      SshKey key = sshKey(m.group(1));
      if (key == null) {
        return null;
      }
      return switch (call.method()) {
        case "GET" -> Answer.of(200, JSON.createObjectNode().set("ssh_key", json(key)));
        case "DELETE" -> {
          sshKeys.remove(key.id());
          yield Answer.of(204, null);
        }
        default -> null;
      };
    }
    if ((m = ACTION.matcher(path)).matches() && call.method().equals("GET")) {
      Action action = actions.get(Long.parseLong(m.group(1)));
      return action == null ? null : Answer.of(200, JSON.createObjectNode().set("action", json(action)));
    }
    return null;
  }

  private Answer create(JsonNode body) {
    for (String field : List.of("name", "region", "size", "image")) {
      if (!body.hasNonNull(field)) {
        return Answer.of(422, errorBody("unprocessable_entity", "You must specify " + field + "."));
      }
    }
    if (!REGIONS.contains(body.get("region").asText())) {
      return Answer.of(422, errorBody("unprocessable_entity", INVALID_REGION_MESSAGE));
    }
    List<String> tags = new ArrayList<>();
    for (JsonNode tag : body.path("tags")) {
      if (!TAG.matcher(tag.asText()).matches()) {
        return Answer.of(422, errorBody("unprocessable_entity",
            "Tag names may only contain letters, numbers, colons, dashes and underscores."));
      }
      tags.add(tag.asText());
    }
    List<Volume> attach = new ArrayList<>();
    for (JsonNode volumeId : body.path("volumes")) {
      Volume volume = volumes.get(volumeId.asText());
      if (volume == null || volume.dropletId != 0 || !volume.region.equals(body.get("region").asText())) {
        return Answer.of(422, errorBody("unprocessable_entity",
            "Volume " + volumeId.asText() + " does not exist in this region or is attached to another Droplet."));
      }
      attach.add(volume);
    }
    List<Long> keys = new ArrayList<>();
    for (JsonNode named : body.path("ssh_keys")) {
      SshKey key = sshKey(named.asText());
      if (key == null) {
        return Answer.of(422, errorBody("unprocessable_entity", "You specified invalid ssh key ids for Droplet"
            + " creation."));
      }
      keys.add(key.id());
    }
    long id = nextDropletId++;
    attach.forEach(v -> v.dropletId = id);
    Droplet droplet = new Droplet(id, body.get("name").asText(), body.get("region").asText(),
        body.get("size").asText(), List.copyOf(tags), Instant.now(), body.path("user_data").asText(""));
    droplet.hiddenFromListings = listingLag;
    droplet.sshKeys = List.copyOf(keys);
    droplet.ipv6 = body.path("ipv6").asBoolean(false);
    droplets.put(id, droplet);
    created++;
    long actionId = nextActionId++;
    actions.put(actionId, new Action(actionId, id, "create", Instant.now()));
    ObjectNode answer = JSON.createObjectNode();
    answer.set("droplet", json(droplet));
    ObjectNode link = answer.putObject("links").putArray("actions").addObject();
    link.put("id", actionId).put("rel", "create").put("href", root() + "/v2/actions/" + actionId);
    return Answer.of(202, answer);
  }

  private SshKey sshKey(String idOrFingerprint) {
    if (idOrFingerprint.matches("\\d+")) {
      return sshKeys.get(Long.parseLong(idOrFingerprint));
    }
    return sshKeys.values().stream().filter(k -> k.fingerprint().equals(idOrFingerprint)).findFirst().orElse(null);
  }

  private Answer createSshKey(JsonNode body) {
    for (String field : List.of("name", "public_key")) {
      if (!body.hasNonNull(field)) {
        return Answer.of(422, errorBody("unprocessable_entity", "You must specify " + field + "."));
      }
    }
    String publicKey = body.get("public_key").asText();
    byte[] blob = keyBlob(publicKey);
    if (blob.length == 0) {
      return Answer.of(422, errorBody("unprocessable_entity", "Key invalid type, we support 'ssh-rsa', 'ssh-dss', "
          + "'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', or 'ssh-ed25519'"));
    }
    String fingerprint = md5(blob);
    if (sshKeys.values().stream().anyMatch(k -> k.fingerprint().equals(fingerprint))) {
      return Answer.of(422, errorBody("unprocessable_entity", "SSH Key is already in use on your account"));
    }
    SshKey key = new SshKey(nextSshKeyId++, body.get("name").asText(), publicKey, fingerprint);
    sshKeys.put(key.id(), key);
    return Answer.of(201, JSON.createObjectNode().set("ssh_key", json(key)));
  }

  private Answer listSshKeys(Map<String, String> query) {
    int page = Math.max(1, intParam(query, "page", 1));
    int perPage = Math.min(200, Math.max(1, intParam(query, "per_page", 20)));
    List<SshKey> all = new ArrayList<>(sshKeys.values());
    ObjectNode answer = JSON.createObjectNode();
    ArrayNode items = answer.putArray("ssh_keys");
    int from = (page - 1) * perPage;
    for (int i = from; i < Math.min(all.size(), from + perPage); i++) {
      items.add(json(all.get(i)));
    }
    ObjectNode pages = answer.putObject("links").putObject("pages");
    if (from + perPage < all.size()) {
      pages.put("next", root() + "/v2/account/keys?page=" + (page + 1) + "&per_page=" + perPage);
    }
    answer.putObject("meta").put("total", all.size());
    return Answer.of(200, answer);
  }

  private static ObjectNode json(SshKey key) {
    return JSON.createObjectNode().put("id", key.id()).put("fingerprint", key.fingerprint())
        .put("public_key", key.publicKey()).put("name", key.name());
  }

  @Override
  public synchronized List<String> sshKeyNames() {
    return sshKeys.values().stream().map(SshKey::name).toList();
  }

  @Override
  public synchronized List<String> sshKeysOf(long dropletId) {
    Droplet droplet = droplets.get(dropletId);
    return droplet == null ? List.of() : droplet.sshKeys.stream().map(sshKeys::get)
        .map(k -> k == null ? "<deleted>" : k.name()).toList();
  }

  private Answer list(Map<String, String> query) {
    String tag = query.get("tag_name");
    int page = Math.max(1, intParam(query, "page", 1));
    int perPage = Math.min(200, Math.max(1, intParam(query, "per_page", 20)));
    List<Droplet> matching = new ArrayList<>();
    for (Droplet droplet : droplets.values()) {
      if (tag != null && !droplet.tags.contains(tag)) {
        continue;
      }
      if (droplet.hiddenFromListings > 0) {
        droplet.hiddenFromListings--;
        continue;
      }
      matching.add(droplet);
    }
    ObjectNode answer = JSON.createObjectNode();
    ArrayNode items = answer.putArray("droplets");
    int from = (page - 1) * perPage;
    for (int i = from; i < Math.min(matching.size(), from + perPage); i++) {
      items.add(json(matching.get(i)));
    }
    ObjectNode pages = answer.putObject("links").putObject("pages");
    if (from + perPage < matching.size()) {
      pages.put("next", root() + "/v2/droplets?page=" + (page + 1) + "&per_page=" + perPage);
      pages.put("last", root() + "/v2/droplets?page=" + ((matching.size() + perPage - 1) / perPage));
    }
    answer.putObject("meta").put("total", matching.size());
    return Answer.of(200, answer);
  }

  private Answer deleteByTag(Map<String, String> query) {
    String tag = query.get("tag_name");
    if (tag == null) {
      return Answer.of(422, errorBody("unprocessable_entity", "tag_name is required."));
    }
    droplets.values().removeIf(d -> d.tags.contains(tag));
    volumes.values().stream().filter(v -> !droplets.containsKey(v.dropletId)).forEach(v -> v.dropletId = 0);
    return Answer.of(204, null);
  }

  private Answer startAction(long dropletId, JsonNode body) {
    Droplet droplet = droplets.get(dropletId);
    if (droplet == null) {
      return null;
    }
    String type = body.path("type").asText();
    if (!Set.of("shutdown", "power_off", "power_on", "reboot").contains(type)) {
      return Answer.of(422, errorBody("unprocessable_entity", "Invalid action type: " + type));
    }
    if (hasPendingEvent(dropletId)) {
      return Answer.of(422, errorBody("unprocessable_entity", PENDING_EVENT_MESSAGE));
    }
    recordAction(type);
    long id = nextActionId++;
    boolean pends = type.equals("shutdown") && nextShutdownPends;
    Action action = new Action(id, dropletId, type, pends ? Instant.MAX : Instant.now().plus(actionDelay));
    action.errs = pends;
    nextShutdownPends = nextShutdownPends && !pends;
    actions.put(id, action);
    return Answer.of(201, JSON.createObjectNode().set("action", json(action)));
  }

  private boolean hasPendingEvent(long dropletId) {
    return actions.values().stream().anyMatch(a -> a.dropletId == dropletId && a.status.equals("in-progress"));
  }

  private Answer createVolume(JsonNode body) {
    String name = body.path("name").asText("");
    if (!VOLUME_NAME.matcher(name).matches()) {
      return Answer.of(422, errorBody("unprocessable_entity", "Name must be lowercase letters, numbers and dashes, "
          + "starting with a letter."));
    }
    String region = body.path("region").asText("");
    if (!REGIONS.contains(region)) {
      return Answer.of(422, errorBody("unprocessable_entity", "You specified an invalid region for the volume."));
    }
    long size = body.path("size_gigabytes").asLong(0);
    if (size < 1 || size > 16_384) {
      return Answer.of(422, errorBody("unprocessable_entity", "size_gigabytes must be between 1 and 16384."));
    }
    if (volumes.values().stream().anyMatch(v -> v.name.equals(name) && v.region.equals(region))) {
      return Answer.of(409, errorBody("conflict", "A volume with this name already exists in this region."));
    }
    List<String> tags = new ArrayList<>();
    body.path("tags").forEach(t -> tags.add(t.asText()));
    String id = addVolume(name, region, size, tags);
    return Answer.of(201, JSON.createObjectNode().set("volume", json(volumes.get(id))));
  }

  private Answer listVolumes(Map<String, String> query) {
    int page = Math.max(1, intParam(query, "page", 1));
    int perPage = Math.min(200, Math.max(1, intParam(query, "per_page", 20)));
    List<Volume> matching = volumes.values().stream()
        .filter(v -> !query.containsKey("region") || v.region.equals(query.get("region")))
        .filter(v -> !query.containsKey("name") || v.name.equals(query.get("name")))
        .toList();
    ObjectNode answer = JSON.createObjectNode();
    ArrayNode items = answer.putArray("volumes");
    int from = (page - 1) * perPage;
    for (int i = from; i < Math.min(matching.size(), from + perPage); i++) {
      items.add(json(matching.get(i)));
    }
    ObjectNode pages = answer.putObject("links").putObject("pages");
    if (from + perPage < matching.size()) {
      pages.put("next", root() + "/v2/volumes?page=" + (page + 1) + "&per_page=" + perPage);
    }
    answer.putObject("meta").put("total", matching.size());
    return Answer.of(200, answer);
  }

  private Answer volumeAction(String volumeId, JsonNode body) {
    Volume volume = volumes.get(volumeId);
    if (volume == null) {
      return null;
    }
    String type = body.path("type").asText();
    long dropletId = body.path("droplet_id").asLong();
    Droplet droplet = droplets.get(dropletId);
    if (droplet == null) {
      return Answer.of(422, errorBody("unprocessable_entity", "Droplet " + dropletId + " does not exist."));
    }
    if (!body.path("region").asText().equals(volume.region) || !droplet.region.equals(volume.region)) {
      return Answer.of(422, errorBody("unprocessable_entity", "The volume and the Droplet must be in one region."));
    }
    if (type.equals("attach") && volume.dropletId != 0 && volume.dropletId != dropletId) {
      return Answer.of(422, errorBody("unprocessable_entity", "The volume is already attached to another Droplet."));
    }
    if (!type.equals("attach") && !type.equals("detach")) {
      return Answer.of(422, errorBody("unprocessable_entity", "Invalid action type: " + type));
    }
    if (hasPendingEvent(dropletId)) {
      return Answer.of(422, errorBody("unprocessable_entity", PENDING_EVENT_MESSAGE));
    }
    recordAction(type + "_volume");
    long id = nextActionId++;
    Action action = new Action(id, dropletId, type + "_volume", Instant.now().plus(actionDelay), volumeId);
    actions.put(id, action);
    return Answer.of(202, JSON.createObjectNode().set("action", json(action)));
  }

  private void settleActions() {
    Instant now = Instant.now();
    for (Action action : actions.values()) {
      if (action.status.equals("in-progress") && !now.isBefore(action.completesAt)) {
        Droplet droplet = droplets.get(action.dropletId);
        if (droplet == null || action.errs) {
          action.status = "errored";
          continue;
        }
        action.status = "completed";
        Volume volume = action.volumeId == null ? null : volumes.get(action.volumeId);
        switch (action.type) {
          case "shutdown" -> droplet.offAt = shutdownHangs ? null : action.completesAt.plus(shutdownLag);
          case "power_off" -> droplet.offAt = action.completesAt;
          case "power_on" -> droplet.offAt = null;
          case "attach_volume" -> volume.dropletId = droplet.id;
          case "detach_volume" -> volume.dropletId = 0;
          default -> { }
        }
      }
    }
  }

  private ObjectNode json(Droplet droplet) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", droplet.id);
    node.put("name", droplet.name);
    boolean off = droplet.offAt != null && !Instant.now().isBefore(droplet.offAt);
    String status = off ? "off"
        : Instant.now().isBefore(droplet.createdAt.plus(activationDelay)) ? "new" : "active";
    node.put("status", status);
    node.put("memory", 1024).put("vcpus", 1).put("disk", 25).put("locked", false);
    node.put("created_at", droplet.createdAt.toString());
    node.put("size_slug", droplet.size);
    node.putObject("region").put("slug", droplet.region);
    ArrayNode tags = node.putArray("tags");
    droplet.tags.forEach(tags::add);
    ObjectNode networks = node.putObject("networks");
    ArrayNode v4 = networks.putArray("v4");
    if (!status.equals("new")) {
      v4.addObject().put("ip_address", "10.0." + (droplet.id % 250) + ".2").put("type", "private");
      v4.addObject().put("ip_address", "203.0.113." + (droplet.id % 250)).put("type", "public");
    }
    ArrayNode v6 = networks.putArray("v6");
    if (!status.equals("new") && droplet.ipv6) {
      v6.addObject().put("ip_address", String.format("2001:db8:d0:0:%x:%x:%x:%x", (droplet.id >>> 48) & 0xffff,
          (droplet.id >>> 32) & 0xffff, (droplet.id >>> 16) & 0xffff, droplet.id & 0xffff)).put("netmask", 64)
          .put("type", "public");
    }
    ArrayNode volumeIds = node.putArray("volume_ids");
    volumes.values().stream().filter(v -> v.dropletId == droplet.id).forEach(v -> volumeIds.add(v.id));
    return node;
  }

  private ObjectNode json(Volume volume) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", volume.id);
    node.put("name", volume.name);
    node.put("size_gigabytes", volume.sizeGb);
    node.put("description", "");
    node.putObject("region").put("slug", volume.region).put("name", volume.region);
    ArrayNode dropletIds = node.putArray("droplet_ids");
    if (volume.dropletId != 0) {
      dropletIds.add(volume.dropletId);
    }
    ArrayNode tags = node.putArray("tags");
    volume.tags.forEach(tags::add);
    node.putNull("filesystem_type");
    return node;
  }

  private ObjectNode json(Action action) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", action.id);
    node.put("status", action.status);
    node.put("type", action.type);
    node.put("resource_id", action.dropletId);
    node.put("resource_type", action.volumeId == null ? "droplet" : "volume");
    return node;
  }
}

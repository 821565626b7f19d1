package dev.seedbox.provisioning.http;

import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.provisioning.CreateRequest;
import dev.seedbox.provisioning.CreatedServer;
import dev.seedbox.provisioning.PermanentProviderException;
import dev.seedbox.provisioning.ProvisioningProvider;
import dev.seedbox.provisioning.Retrier;
import dev.seedbox.provisioning.RetryableProviderException;
import dev.seedbox.provisioning.RetryableProviderException.Cause;
import dev.seedbox.provisioning.ServerInfo;
import dev.seedbox.provisioning.ServerRef;
import dev.seedbox.provisioning.ServerState;
import dev.seedbox.provisioning.VolumeInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the DigitalOcean and Hetzner providers share: adopt-or-create with one create per Seedbox UID at a time, no
 * second create after a lost answer until the server shows up or the lost-answer window has passed, duplicates
 * deleted, the plan's volume made, attached and released with its server, graceful shutdown that waits for
 * {@code off} before powering off, and credential generation. Subclasses speak their API.
 */
public abstract class CloudApiProvider implements ProvisioningProvider {

  private static final Logger LOG = LoggerFactory.getLogger(CloudApiProvider.class);

  /** A power action at the provider. */
  protected enum PowerAction { SHUTDOWN, POWER_OFF, POWER_ON }

  /** A volume action at the provider. */
  protected enum VolumeAction { ATTACH, DETACH }

  /** Where an action stands. */
  protected enum ActionProgress { RUNNING, DONE, FAILED }

  /** A create this process posted: the server's id, or 0 when its answer was lost. */
  private record PostedCreate(Instant at, long serverId) {
  }

  protected final CloudTuning tuning;
  private final ProviderKind kind;
  private final Retrier waiter;
  private final ConcurrentHashMap<String, Boolean> creating = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, PostedCreate> posted = new ConcurrentHashMap<>();

  protected CloudApiProvider(ProviderKind kind, CloudTuning tuning) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.tuning = Objects.requireNonNull(tuning, "tuning");
    this.waiter = new Retrier(tuning.retry(), tuning.sleeper());
  }

  @Override
  public final ProviderKind kind() {
    return kind;
  }

  /** Our servers carrying this Seedbox UID, in any order. */
  protected abstract List<ServerInfo> findBySeedboxUid(String seedboxUid);

  /**
   * Posts one create, without repeating it after a 5xx or a lost answer, with the volume (if any) attached. Empty
   * means the provider refused because the server already exists (Hetzner's unique names), so the caller looks it
   * up.
   */
  protected abstract Optional<ServerInfo> postCreate(CreateRequest request, VolumeInfo volume, String sshKey);

  /**
   * Registers the request's management key at the provider under {@link CreateRequest#sshKeyName()} unless it is
   * there already, and answers how a create names it. Named in the create, it keeps the provider from making a root
   * password (Hetzner answers one, DigitalOcean mails one); cloud-init then turns root logins off anyway.
   */
  protected abstract String ensureSshKey(CreateRequest request);

  /** Deletes the keys registered for the Seedbox; none is fine. */
  protected abstract void deleteSshKeys(String seedboxUid);

  /** One server by id, or empty when the provider answers 404. */
  protected abstract Optional<ServerInfo> fetch(long id);

  /** Starts a power action and returns the action's id. */
  protected abstract long startAction(long serverId, PowerAction action);

  protected abstract ActionProgress actionProgress(long actionId);

  /** Deletes one server; a 404 is fine. */
  protected abstract void delete(long serverId);

  protected abstract List<ServerInfo> listAllManaged();

  /** Our volumes carrying this Seedbox UID, in any order. */
  protected abstract List<VolumeInfo> findVolumes(String seedboxUid);

  /**
   * Posts one volume create for the request's UID, size and region, without repeating it after a lost answer.
   * Empty means the provider refused because a volume of that name exists, so the caller looks it up.
   */
  protected abstract Optional<VolumeInfo> postVolume(CreateRequest request);

  /** Starts attaching or detaching a volume and returns the action's id. */
  protected abstract long startVolumeAction(VolumeInfo volume, VolumeAction action, long serverId);

  /** Deletes one detached volume; a 404 is fine. */
  protected abstract void deleteVolume(VolumeInfo volume);

  protected abstract List<VolumeInfo> listAllManagedVolumes();

  protected ServerRef ref(long id) {
    return new ServerRef(kind, id);
  }

  // ---- create ---------------------------------------------------------------------------------------------------

  @Override
  public CreatedServer create(CreateRequest request) {
    String uid = request.seedboxUid();
    if (creating.putIfAbsent(uid, Boolean.TRUE) != null) {
      throw new RetryableProviderException(Cause.BUSY, "a create for seedbox " + uid
          + " is already running in this operator; the next attempt adopts what it makes");
    }
    try {
      return createOnce(request);
    } finally {
      creating.remove(uid);
    }
  }

  private CreatedServer createOnce(CreateRequest request) {
    String uid = request.seedboxUid();
    Instant now = tuning.clock().instant();
    posted.values().removeIf(p -> !now.isBefore(p.at().plus(tuning.lostAnswerWindow())));
    List<ServerInfo> existing = findBySeedboxUid(uid);
    PostedCreate earlier = posted.get(uid);
    if (existing.isEmpty() && earlier != null && earlier.serverId() != 0) {
      // listings lag behind creates; a server this process made is read by its id, which does not lag
      existing = fetch(earlier.serverId()).stream().toList();
    }
    if (!existing.isEmpty()) {
      return adopt(request, existing, "it already carries the seedbox's tag");
    }
    if (earlier != null && earlier.serverId() == 0) {
      throw new RetryableProviderException(Cause.TIMEOUT, "the create for seedbox " + uid + " at " + earlier.at()
          + " lost its answer and its server has not shown up yet; no second create before "
          + earlier.at().plus(tuning.lostAnswerWindow()));
    }
    VolumeInfo volume = request.wantsVolume() ? ensureVolume(request) : null;
    String sshKey = request.sshPublicKey() == null ? null : ensureSshKey(request);
    Optional<ServerInfo> created;
    try {
      created = postCreate(request, volume, sshKey);
    } catch (RetryableProviderException e) {
      if (e.reason() == Cause.RATE_LIMITED || e.reason() == Cause.BUSY) {
        throw e; // refused before anything was created
      }
      // The server may exist although we never read the answer: look for it before anyone creates again.
      posted.put(uid, new PostedCreate(tuning.clock().instant(), 0));
      return findAfterLostAnswer(request, e);
    }
    if (created.isEmpty()) {
      return findAfterLostAnswer(request, null);
    }
    ServerInfo server = created.get();
    posted.put(uid, new PostedCreate(tuning.clock().instant(), server.ref().id()));
    LOG.info("created {} for seedbox {}{}", server.ref(), uid, volume == null ? "" : " with volume " + volume.id());
    return new CreatedServer(server, false, volume == null ? null : attachedTo(volume, server.ref()), List.of());
  }

  private CreatedServer findAfterLostAnswer(CreateRequest request, RetryableProviderException cause) {
    String why = cause == null ? "the provider says it already exists" : "its answer was lost (" + cause.reason() + ")";
    for (int search = 1; search <= tuning.lostAnswerSearches(); search++) {
      List<ServerInfo> found = findBySeedboxUid(request.seedboxUid());
      if (!found.isEmpty()) {
        return adopt(request, found, "a create where " + why);
      }
      if (search < tuning.lostAnswerSearches()) {
        waiter.pause("search for seedbox " + request.seedboxUid(), tuning.retry().backoff(search), cause);
      }
    }
    if (cause == null) {
      throw new PermanentProviderException("create for seedbox " + request.seedboxUid(), 409, "uniqueness_error",
          "a server with this seedbox's name exists but does not carry its label");
    }
    throw new RetryableProviderException(cause.reason(), "create for seedbox " + request.seedboxUid()
        + " may have succeeded but " + why + " and no server with its tag showed up after "
        + tuning.lostAnswerSearches() + " searches; the next create searches again and posts no second create for "
        + tuning.lostAnswerWindow() + " unless the server shows up", null, cause);
  }

  /** Keeps the oldest server, deletes newer duplicates, and makes sure the plan's volume is attached to it. */
  private CreatedServer adopt(CreateRequest request, List<ServerInfo> servers, String why) {
    List<ServerInfo> byAge = servers.stream().sorted(Comparator.comparingLong(s -> s.ref().id())).toList();
    ServerInfo kept = byAge.get(0);
    List<ServerRef> deleted = new ArrayList<>();
    for (ServerInfo duplicate : byAge.subList(1, byAge.size())) {
      LOG.warn("seedbox {} has {} servers carrying its UID; keeping the oldest {} and deleting {}",
          request.seedboxUid(), byAge.size(), kept.ref(), duplicate.ref());
      delete(duplicate.ref().id());
      deleted.add(duplicate.ref());
    }
    VolumeInfo volume = null;
    if (request.wantsVolume()) {
      volume = ensureAttached(ensureVolume(request), kept.ref());
    }
    LOG.info("adopting {} for seedbox {}: {}", kept.ref(), request.seedboxUid(), why);
    return new CreatedServer(kept, true, volume, deleted);
  }

  // ---- volumes --------------------------------------------------------------------------------------------------

  /** The seedbox's volume: the one carrying its UID (attached first), or a new one. */
  private VolumeInfo ensureVolume(CreateRequest request) {
    Optional<VolumeInfo> existing = preferred(findVolumes(request.seedboxUid()));
    if (existing.isPresent()) {
      return existing.get();
    }
    Optional<VolumeInfo> created;
    try {
      created = postVolume(request);
    } catch (RetryableProviderException e) {
      if (e.reason() == Cause.RATE_LIMITED || e.reason() == Cause.BUSY) {
        throw e;
      }
      // volume names are unique at both providers, so a second post cannot make a second volume; look once more
      waiter.pause("search for the volume of seedbox " + request.seedboxUid(), tuning.retry().backoff(1), e);
      return preferred(findVolumes(request.seedboxUid())).orElseThrow(() -> e);
    }
    if (created.isPresent()) {
      LOG.info("created volume {} ({} GB in {}) for seedbox {}", created.get().id(), request.volumeGb(),
          request.region(), request.seedboxUid());
      return created.get();
    }
    return preferred(findVolumes(request.seedboxUid())).orElseThrow(() -> new RetryableProviderException(Cause.BUSY,
        "the volume of seedbox " + request.seedboxUid() + " exists by name but is not listed yet"));
  }

  private static Optional<VolumeInfo> preferred(List<VolumeInfo> volumes) {
    if (volumes.size() > 1) {
      LOG.warn("{} volumes carry seedbox UID {}; using the attached or oldest one and keeping the others for the "
          + "orphan sweep to report", volumes.size(), volumes.get(0).seedboxUid());
    }
    return volumes.stream().min(Comparator.comparing((VolumeInfo v) -> v.attachedTo() == null)
        .thenComparing(VolumeInfo::id));
  }

  private VolumeInfo ensureAttached(VolumeInfo volume, ServerRef server) {
    if (volume.isAttachedTo(server)) {
      return volume;
    }
    if (volume.attachedTo() != null) {
      runVolumeAction(volume, VolumeAction.DETACH, volume.attachedTo().id());
    }
    runVolumeAction(volume, VolumeAction.ATTACH, server.id());
    LOG.info("attached volume {} to {}", volume.id(), server);
    return attachedTo(volume, server);
  }

  private void runVolumeAction(VolumeInfo volume, VolumeAction action, long serverId) {
    if (!awaitAction(startVolumeAction(volume, action, serverId), tuning.actionTimeout())) {
      throw new RetryableProviderException(Cause.BUSY, action.name().toLowerCase() + " of volume " + volume.id()
          + " and " + ref(serverId) + " did not finish within " + tuning.actionTimeout());
    }
  }

  private static VolumeInfo attachedTo(VolumeInfo volume, ServerRef server) {
    return new VolumeInfo(volume.id(), volume.seedboxUid(), volume.sizeGb(), volume.region(), server);
  }

  // ---- power ----------------------------------------------------------------------------------------------------

  @Override
  public void suspend(ServerRef server) {
    long id = requireOurs(server);
    ServerInfo info = fetch(id).orElseThrow(() -> gone("suspend", server));
    if (info.state() == ServerState.OFF || info.state() == ServerState.ARCHIVED) {
      return;
    }
    Long shutdown = info.state() == ServerState.STOPPING ? null : startAction(id, PowerAction.SHUTDOWN);
    Optional<String> notOff = awaitOff(id, shutdown);
    if (notOff.isEmpty()) {
      return;
    }
    String outcome = notOff.get();
    LOG.info("{} did not reach 'off' within {} of the shutdown request ({}); powering it off", server,
        tuning.shutdownTimeout(), outcome);
    long powerOff;
    try {
      powerOff = startAction(id, PowerAction.POWER_OFF);
    } catch (RetryableProviderException e) {
      throw new RetryableProviderException(e.reason(), "suspend of " + server + ": the server did not reach 'off' "
          + "within " + tuning.shutdownTimeout() + " (" + outcome + ") and the power-off was refused: "
          + e.getMessage(), e.retryAfter().orElse(null), e);
    }
    if (!awaitAction(powerOff, tuning.actionTimeout()) && !isOff(id)) {
      throw new RetryableProviderException(Cause.BUSY, "suspend of " + server + ": the server did not reach 'off' "
          + "within " + tuning.shutdownTimeout() + " (" + outcome + ") and the power-off did not finish within "
          + tuning.actionTimeout());
    }
  }

  /**
   * Waits up to the shutdown timeout for the server to report {@code off}; the shutdown action only confirms that
   * the request reached the server. Empty when it is off, else what was seen last.
   */
  private Optional<String> awaitOff(long id, Long shutdownAction) {
    int polls = tuning.pollsWithin(tuning.shutdownTimeout());
    ActionProgress progress = shutdownAction == null ? ActionProgress.DONE : ActionProgress.RUNNING;
    String status = "stopping";
    for (int poll = 0; poll <= polls; poll++) {
      if (progress == ActionProgress.RUNNING) {
        progress = actionProgress(shutdownAction);
      }
      if (progress == ActionProgress.FAILED) {
        return Optional.of("the shutdown action failed");
      }
      Optional<ServerInfo> now = fetch(id);
      if (now.isEmpty() || now.get().state() == ServerState.OFF) {
        return Optional.empty();
      }
      status = now.get().providerStatus();
      if (poll < polls) {
        waiter.pause("shutdown of " + ref(id), tuning.actionPollInterval(), null);
      }
    }
    return Optional.of(progress == ActionProgress.RUNNING ? "the shutdown action was still running"
        : "the shutdown action completed but the server still reports '" + status + "'");
  }

  @Override
  public void resume(ServerRef server) {
    long id = requireOurs(server);
    ServerInfo info = fetch(id).orElseThrow(() -> gone("resume", server));
    switch (info.state()) {
      case RUNNING, STARTING, PROVISIONING -> {
        return;
      }
      default -> { }
    }
    if (!awaitAction(startAction(id, PowerAction.POWER_ON), tuning.actionTimeout())) {
      throw new RetryableProviderException(Cause.BUSY, "power-on of " + server + " did not finish within "
          + tuning.actionTimeout());
    }
  }

  // ---- terminate ------------------------------------------------------------------------------------------------

  @Override
  public void terminate(ServerRef server) {
    long id = requireOurs(server);
    Optional<ServerInfo> info = fetch(id);
    if (info.isEmpty()) {
      return; // gone, and with it what it carried; a volume left behind is the orphan sweep's
    }
    release(info.get());
    deleteDetachedVolumes(info.get().seedboxUid());
    deleteSshKeys(info.get().seedboxUid());
  }

  @Override
  public int terminateBySeedboxUid(String seedboxUid) {
    List<ServerInfo> servers = findBySeedboxUid(seedboxUid);
    for (ServerInfo server : servers) {
      release(server);
    }
    deleteDetachedVolumes(seedboxUid);
    deleteSshKeys(seedboxUid);
    return servers.size();
  }

  /** Detaches the server's volumes (so they can be deleted), then deletes the server. */
  private void release(ServerInfo server) {
    for (VolumeInfo volume : findVolumes(server.seedboxUid())) {
      if (volume.isAttachedTo(server.ref())) {
        runVolumeAction(volume, VolumeAction.DETACH, server.ref().id());
      }
    }
    delete(server.ref().id());
  }

  /** Deletes the UID's volumes that no server holds; one still attached to another server is left to it. */
  private void deleteDetachedVolumes(String seedboxUid) {
    for (VolumeInfo volume : findVolumes(seedboxUid)) {
      Optional<ServerRef> holder = volume.attachment();
      if (holder.isPresent() && fetch(holder.get().id()).isPresent()) {
        LOG.warn("volume {} of seedbox {} is attached to {}, which still exists; not deleting it", volume.id(),
            seedboxUid, holder.get());
        continue;
      }
      deleteVolume(volume);
      LOG.info("deleted volume {} of seedbox {}", volume.id(), seedboxUid);
    }
  }

  // ---- the rest -------------------------------------------------------------------------------------------------

  @Override
  public Optional<ServerInfo> status(ServerRef server) {
    return fetch(requireOurs(server));
  }

  @Override
  public List<ServerInfo> listManaged() {
    return listAllManaged();
  }

  @Override
  public List<VolumeInfo> listManagedVolumes() {
    return listAllManagedVolumes();
  }

  private boolean isOff(long id) {
    return fetch(id).map(s -> s.state() == ServerState.OFF).orElse(true);
  }

  /** Polls an action; true when it finished in time, false when it failed or timed out. */
  private boolean awaitAction(long actionId, Duration timeout) {
    int polls = tuning.pollsWithin(timeout);
    for (int poll = 0; poll <= polls; poll++) {
      ActionProgress progress = actionProgress(actionId);
      if (progress == ActionProgress.DONE) {
        return true;
      }
      if (progress == ActionProgress.FAILED) {
        return false;
      }
      if (poll < polls) {
        waiter.pause("action " + actionId, tuning.actionPollInterval(), null);
      }
    }
    return false;
  }

  private long requireOurs(ServerRef server) {
    Objects.requireNonNull(server, "server");
    if (server.provider() != kind) {
      throw new IllegalArgumentException("the " + kind + " provider cannot act on " + server);
    }
    return server.id();
  }

  private static PermanentProviderException gone(String operation, ServerRef server) {
    return new PermanentProviderException(operation + " " + server, 404, "not_found",
        "the server no longer exists at the provider");
  }

  /**
   * The MD5 fingerprint of an OpenSSH public key line ({@code aa:bb:...}, 16 bytes in hex): how DigitalOcean and
   * Hetzner identify a registered key.
   */
  protected static String md5Fingerprint(String publicKeyLine) {
    String[] parts = publicKeyLine.trim().split("\\s+");
    if (parts.length < 2) {
      throw new IllegalArgumentException("expected an OpenSSH public key line 'type base64 [comment]'");
    }
    try {
      byte[] digest = java.security.MessageDigest.getInstance("MD5").digest(java.util.Base64.getDecoder()
          .decode(parts[1]));
      StringBuilder hex = new StringBuilder();
      for (byte b : digest) {
        hex.append(hex.length() == 0 ? "" : ":").append(String.format("%02x", b & 0xff));
      }
      return hex.toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is part of every Java runtime", e);
    }
  }
}

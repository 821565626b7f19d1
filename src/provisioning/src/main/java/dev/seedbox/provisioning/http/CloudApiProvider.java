package dev.seedbox.provisioning.http;

import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.provisioning.CreateRequest;
import dev.seedbox.provisioning.CreatedServer;
import dev.seedbox.provisioning.Credentials;
import dev.seedbox.provisioning.PermanentProviderException;
import dev.seedbox.provisioning.ProvisioningProvider;
import dev.seedbox.provisioning.Retrier;
import dev.seedbox.provisioning.RetryableProviderException;
import dev.seedbox.provisioning.RetryableProviderException.Cause;
import dev.seedbox.provisioning.ServerInfo;
import dev.seedbox.provisioning.ServerRef;
import dev.seedbox.provisioning.ServerState;
import dev.seedbox.provisioning.cloudinit.QbittorrentPassword;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the DigitalOcean and Hetzner providers share: adopt-or-create, the search after a lost create answer,
 * graceful shutdown with a power-off fallback, and credential generation. Subclasses speak their API.
 */
public abstract class CloudApiProvider implements ProvisioningProvider {

  private static final Logger LOG = LoggerFactory.getLogger(CloudApiProvider.class);

  /** The web UI user the cloud-init user data creates. */
  public static final String WEB_UI_USER = "seedbox";

  /** A power action at the provider. */
  protected enum PowerAction { SHUTDOWN, POWER_OFF, POWER_ON }

  /** Where an action stands. */
  protected enum ActionProgress { RUNNING, DONE, FAILED }

  protected final CloudTuning tuning;
  private final ProviderKind kind;
  private final Retrier waiter;

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
   * Posts one create, without repeating it after a 5xx or a lost answer. Empty means the provider refused because
   * the server already exists (Hetzner's unique names), so the caller looks it up.
   */
  protected abstract Optional<ServerInfo> postCreate(CreateRequest request);

  /** One server by id, or empty when the provider answers 404. */
  protected abstract Optional<ServerInfo> fetch(long id);

  /** Starts a power action and returns the action's id. */
  protected abstract long startAction(long serverId, PowerAction action);

  protected abstract ActionProgress actionProgress(long actionId);

  /** Deletes one server; a 404 is fine. */
  protected abstract void delete(long serverId);

  protected abstract List<ServerInfo> listAllManaged();

  protected ServerRef ref(long id) {
    return new ServerRef(kind, id);
  }

  @Override
  public CreatedServer create(CreateRequest request) {
    Optional<ServerInfo> existing = oldest(findBySeedboxUid(request.seedboxUid()));
    if (existing.isPresent()) {
      LOG.info("adopting {} for seedbox {}: it already carries the seedbox's tag", existing.get().ref(),
          request.seedboxUid());
      return new CreatedServer(existing.get(), true);
    }
    Optional<ServerInfo> created;
    try {
      created = postCreate(request);
    } catch (RetryableProviderException e) {
      if (e.reason() == Cause.RATE_LIMITED || e.reason() == Cause.BUSY) {
        throw e; // refused before anything was created
      }
      // The server may exist although we never read the answer: look for it before anyone creates again.
      return findAfterLostAnswer(request, e);
    }
    if (created.isEmpty()) {
      return findAfterLostAnswer(request, null);
    }
    LOG.info("created {} for seedbox {}", created.get().ref(), request.seedboxUid());
    return new CreatedServer(created.get(), false);
  }

  private CreatedServer findAfterLostAnswer(CreateRequest request, RetryableProviderException cause) {
    String why = cause == null ? "the provider says it already exists" : "its answer was lost (" + cause.reason() + ")";
    for (int search = 1; search <= tuning.lostAnswerSearches(); search++) {
      Optional<ServerInfo> found = oldest(findBySeedboxUid(request.seedboxUid()));
      if (found.isPresent()) {
        LOG.info("found {} for seedbox {} after a create where {}", found.get().ref(), request.seedboxUid(), why);
        return new CreatedServer(found.get(), true);
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
        + tuning.lostAnswerSearches() + " searches; the next create searches again before it posts", null, cause);
  }

  @Override
  public void suspend(ServerRef server) {
    long id = requireOurs(server);
    ServerInfo info = fetch(id).orElseThrow(() -> gone("suspend", server));
    if (info.state() == ServerState.OFF || info.state() == ServerState.ARCHIVED) {
      return;
    }
    if (info.state() != ServerState.STOPPING) {
      boolean stopped = awaitAction(startAction(id, PowerAction.SHUTDOWN), tuning.shutdownTimeout());
      if (stopped && isOff(id)) {
        return;
      }
      LOG.info("{} did not shut down within {}; powering it off", server, tuning.shutdownTimeout());
    }
    if (isOff(id)) {
      return;
    }
    if (!awaitAction(startAction(id, PowerAction.POWER_OFF), tuning.actionTimeout()) && !isOff(id)) {
      throw new RetryableProviderException(Cause.BUSY, "power-off of " + server + " did not finish within "
          + tuning.actionTimeout());
    }
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

  @Override
  public void terminate(ServerRef server) {
    delete(requireOurs(server));
  }

  @Override
  public Optional<ServerInfo> status(ServerRef server) {
    return fetch(requireOurs(server));
  }

  /**
   * Generates a new password and its qBittorrent hash. Neither DigitalOcean nor Hetzner has an API that sets an
   * application's password on a running server, so this returns {@code appliedOnServer = false}: the caller applies
   * the hash over SSH or with new user data on a rebuild.
   */
  @Override
  public Credentials rotateCredentials(ServerRef server) {
    long id = requireOurs(server);
    fetch(id).orElseThrow(() -> gone("rotateCredentials", server));
    String password = QbittorrentPassword.generate();
    return new Credentials(WEB_UI_USER, password, QbittorrentPassword.hash(password), false);
  }

  @Override
  public List<ServerInfo> listManaged() {
    return listAllManaged();
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

  private static Optional<ServerInfo> oldest(List<ServerInfo> servers) {
    if (servers.size() > 1) {
      LOG.warn("{} servers carry the same seedbox UID {}; using the oldest", servers.size(),
          servers.get(0).seedboxUid());
    }
    return servers.stream().min(Comparator.comparingLong(s -> s.ref().id()));
  }
}

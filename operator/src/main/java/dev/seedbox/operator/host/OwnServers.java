package dev.seedbox.operator.host;

import dev.seedbox.api.v1alpha1.ByosConnection;
import dev.seedbox.api.v1alpha1.ByosConnectionStatus;
import dev.seedbox.api.v1alpha1.ByosPhase;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.api.v1alpha1.TorrentClient;
import dev.seedbox.hostchannel.ClientProbe;
import dev.seedbox.hostchannel.HostReply;
import dev.seedbox.hostchannel.HostTarget;
import dev.seedbox.hostchannel.https.HttpsSite;
import dev.seedbox.keys.ByosKeys;
import dev.seedbox.keys.KeyMissingException;
import dev.seedbox.keys.key.SshKeyPair;
import dev.seedbox.keys.store.SecretRef;
import dev.seedbox.ledger.byos.ByosConnectionRecord;
import dev.seedbox.ledger.byos.ByosConnections;
import dev.seedbox.ledger.byos.HostPorts;
import dev.seedbox.operator.https.WebUiHostnames;
import dev.seedbox.provisioning.client.TorrentClientProfile;
import dev.seedbox.provisioning.client.TorrentClientProfiles;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Seedboxes on customers' own servers (BYOS): the server a Seedbox's ByosConnection reaches, with the connection's
 * verified key and pinned host key, and the ports this Seedbox holds there (allocated in PostgreSQL, so several
 * Seedboxes share one server without colliding). A Seedbox placed here records {@code byos:<connection>} where a
 * cloud server's reference would be.
 */
public final class OwnServers {

  public static final String PLACEMENT_PREFIX = "byos:";
  /** Why a Seedbox's server cannot be managed now (condition reasons). */
  public static final String CONNECTION_NOT_FOUND = "ByosConnectionNotFound";
  public static final String CONNECTION_NOT_CONNECTED = "ByosConnectionNotConnected";
  public static final String PORTS_EXHAUSTED = "ByosPortsExhausted";

  static final String WEB_UI_PORT = "webui";
  static final String PEER_PORT = "peer";

  /** Where a Seedbox's client on a customer's server is managed, or why it cannot be now. */
  public sealed interface Located {
    record Reachable(ManagedServer server) implements Located {
    }

    /** @param reason a condition reason ({@link #CONNECTION_NOT_FOUND}, {@link #CONNECTION_NOT_CONNECTED}) */
    record Unavailable(String reason, String message) implements Located {
    }
  }

  private final ByosConnections connections;
  private final ByosKeys keys;
  private final HostChannels.Endpoint endpoint;
  private final HostPorts ports;
  private final TorrentClientProfiles clients;
  private final String actor;
  private final WebUiHostnames hostnames;
  /**
   * Keys by their store reference and fingerprint: a rotated connection names a new reference, and a connection
   * deleted and made again under the same name (same reference) has a new fingerprint, so a stale key is never used.
   */
  private final Map<String, SshKeyPair> keysByRef = new ConcurrentHashMap<>();

  public OwnServers(ByosConnections connections, ByosKeys keys, HostChannels.Endpoint endpoint, HostPorts ports,
      TorrentClientProfiles clients, String actor, WebUiHostnames hostnames) {
    this.hostnames = Objects.requireNonNull(hostnames, "hostnames");
    this.connections = connections;
    this.keys = keys;
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.ports = ports;
    this.clients = clients;
    this.actor = actor;
  }

  /** What {@code status.providerRef} and the ledger row say for a Seedbox on this connection's server. */
  public static String placement(String connectionName) {
    return PLACEMENT_PREFIX + connectionName;
  }

  /** The connection a recorded placement names, empty for a cloud server's reference. */
  public static Optional<String> connectionOf(String providerRef) {
    return providerRef != null && providerRef.startsWith(PLACEMENT_PREFIX)
        ? Optional.of(providerRef.substring(PLACEMENT_PREFIX.length())) : Optional.empty();
  }

  /**
   * The Seedbox's client on the server {@code connection} reaches (allocating its ports when it has none yet).
   *
   * @param connection the ByosConnection named by the Seedbox, null when it does not exist
   */
  public Located locate(Seedbox seedbox, String connectionName, ByosConnection connection, TorrentClient client) {
    if (connection == null) {
      return new Located.Unavailable(CONNECTION_NOT_FOUND, "ByosConnection '" + connectionName + "' does not exist "
          + "in this namespace, so the operator cannot manage the client on your server");
    }
    ByosConnectionStatus status = connection.getStatus();
    Optional<ByosConnectionRecord> row = connections.find(connection.getMetadata().getUid());
    if (!usable(status, row)) {
      String why = status == null || status.getPhase() == null ? "not verified yet" : status.getPhase().toString();
      String detail = status == null ? null : status.findCondition(ByosConnectionStatus.READY)
          .map(c -> c.getReason() + ": " + c.getMessage()).orElse(null);
      return new Located.Unavailable(CONNECTION_NOT_CONNECTED, "ByosConnection '" + connectionName + "' is " + why
          + (detail == null || detail.isBlank() ? "" : " (" + detail + ")")
          + "; the operator cannot manage the client on your server until it is Connected again");
    }
    SshKeyPair key;
    try {
      key = keysByRef.computeIfAbsent(row.get().secretRef() + " " + row.get().fingerprint(),
          ignored -> keys.keyPair(SecretRef.parse(row.get().secretRef())));
    } catch (KeyMissingException e) {
      return new Located.Unavailable(CONNECTION_NOT_CONNECTED, "the key of ByosConnection '" + connectionName
          + "' is gone from its store; the connection issues a new one");
    }
    if (!key.publicKey().fingerprint().equals(row.get().fingerprint())) {
      keysByRef.remove(row.get().secretRef() + " " + row.get().fingerprint());
      return new Located.Unavailable(CONNECTION_NOT_CONNECTED, "the key of ByosConnection '" + connectionName
          + "' is being replaced; the operator uses it once the connection has verified it");
    }
    ByosConnectionRecord c = row.get();
    String uid = seedbox.getMetadata().getUid();
    Map<String, Integer> held;
    try {
      held = ports.allocate(c.host(), uid, List.of(WEB_UI_PORT, PEER_PORT), actor);
    } catch (IllegalStateException e) {
      return new Located.Unavailable(PORTS_EXHAUSTED, e.getMessage() + "; widen SEEDBOX_BYOS_PORT_RANGE or remove "
          + "seedboxes from this server");
    }
    TorrentClientProfile profile = clients.get(client);
    HostTarget target = new HostTarget(c.host(), c.port(), c.user(), c.pinnedHostKey());
    Map<String, Object> slot = Map.of("slot", ManagedServers.slotName(uid), "client", profile.hostScriptName());
    Optional<HttpsSite> https = hostnames.site(seedbox, held.get(WEB_UI_PORT));
    https.ifPresent(site -> endpoint.route(site.hostname(), c.host()));
    Map<String, Object> install = ManagedServer.install(held.get(WEB_UI_PORT), held.get(PEER_PORT),
        https.isPresent());
    URI webUi = https.map(site -> site.webUiUrl().resolve(profile.webUiPath()))
        .orElseGet(() -> profile.webUiUrl(c.host(), held.get(WEB_UI_PORT)));
    return new Located.Reachable(new ManagedServer(endpoint.channel(), endpoint.login(client), target, key, slot,
        install, webUi, true, https, endpoint.certificates()));
  }

  /**
   * Whether the server can take this Seedbox's client: our host script installed through the customer's sudo, then
   * the script's preflight (OS, systemd, architecture, free disk, the ports). Empty when it can.
   */
  public Optional<Located.Unavailable> preflight(ManagedServer server, long diskGb) {
    HostReply script = server.ensureHostScript();
    if (!script.done()) {
      return Optional.of(new Located.Unavailable(ClientProbe.reasonOf(script), script.message()));
    }
    HostReply check = server.preflight((int) Math.min(diskGb, Integer.MAX_VALUE));
    if (!check.done()) {
      return Optional.of(new Located.Unavailable(ClientProbe.reasonOf(check), check.message()));
    }
    return Optional.empty();
  }

  /**
   * Connected, or rotating: a new key waits for the customer while the row still names the previous, verified key,
   * which stays authorised until the new one is verified, so the Seedboxes keep being managed with it.
   */
  private static boolean usable(ByosConnectionStatus status, Optional<ByosConnectionRecord> row) {
    if (status == null || row.isEmpty() || row.get().pinnedHostKey() == null) {
      return false;
    }
    return status.getPhase() == ByosPhase.CONNECTED || status.getPhase() == ByosPhase.AWAITING_AUTHORIZATION
        && status.getSecretRef() != null && !status.getSecretRef().equals(row.get().secretRef());
  }

  /** Gives the Seedbox's ports back (terminated, or cancelled before it was installed). */
  public boolean release(Seedbox seedbox) {
    return ports.release(seedbox.getMetadata().getUid(), actor) > 0;
  }
}

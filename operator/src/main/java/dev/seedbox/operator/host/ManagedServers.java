package dev.seedbox.operator.host;

import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.api.v1alpha1.TorrentClient;
import dev.seedbox.hostchannel.HostBootstrap;
import dev.seedbox.hostchannel.HostTarget;
import dev.seedbox.hostchannel.https.HttpsSite;
import dev.seedbox.operator.https.WebUiHostnames;
import dev.seedbox.provisioning.ServerRef;
import dev.seedbox.provisioning.client.TorrentClientProfile;
import dev.seedbox.provisioning.client.TorrentClientProfiles;
import java.util.Map;
import java.util.Optional;

/**
 * Finds how to manage a Seedbox's server: its keys, the channel for its provider, and the slot its client runs
 * in. A server we create runs one client, in the slot named after the Seedbox's UID.
 */
public final class ManagedServers {

  public static final int SSH_PORT = 22;

  private final ServerKeys keys;
  private final HostChannels channels;
  private final TorrentClientProfiles clients;
  private final WebUiHostnames hostnames;

  public ManagedServers(ServerKeys keys, HostChannels channels, TorrentClientProfiles clients,
      WebUiHostnames hostnames) {
    this.hostnames = hostnames;
    this.keys = keys;
    this.channels = channels;
    this.clients = clients;
  }

  public ServerKeys keys() {
    return keys;
  }

  /**
   * The host script's name for the Seedbox's client instance (also its Unix user, at most 32 characters): {@code sb-}
   * and the last 28 characters of its UID. The last ones, because several Seedboxes share a customer's server and
   * UIDs handed out in sequence (as test API servers do) differ only at the end.
   */
  public static String slotName(String seedboxUid) {
    String compact = seedboxUid.toLowerCase().replaceAll("[^a-z0-9]", "");
    return "sb-" + (compact.length() > 28 ? compact.substring(compact.length() - 28) : compact);
  }

  /**
   * The Seedbox's server at {@code address}; empty when it cannot be managed over the host channel: it has no keys
   * (made before servers got them, or the Secret was deleted) or its provider has no channel.
   */
  public Optional<ManagedServer> locate(Seedbox seedbox, ServerRef server, String address, TorrentClient client) {
    Optional<HostChannels.Endpoint> endpoint = channels.forProvider(server.provider());
    Optional<ServerKeyPair> pair = endpoint.isEmpty() ? Optional.empty() : keys.find(seedbox);
    if (pair.isEmpty()) {
      return Optional.empty();
    }
    TorrentClientProfile profile = clients.get(client);
    HostTarget target = new HostTarget(address, SSH_PORT, HostBootstrap.DEFAULT_ADMIN_USER,
        pair.get().host().publicKey().fingerprint());
    Map<String, Object> slot = Map.of("slot", slotName(seedbox.getMetadata().getUid()),
        "client", profile.hostScriptName());
    Optional<HttpsSite> https = hostnames.site(seedbox, profile.webUiPort());
    https.ifPresent(site -> endpoint.get().route(site.hostname(), address));
    return Optional.of(new ManagedServer(endpoint.get().channel(), endpoint.get().login(client), target,
        pair.get().management(), slot, install(profile, https.isPresent()),
        https.map(site -> site.webUiUrl().resolve(profile.webUiPath())).orElseGet(() -> profile.webUiUrl(address)),
        false, https,
        endpoint.get().certificates()));
  }

  /** The first boot's user data for a new server: our keys, the admin user, the client's package, the volume. */
  public String userData(ServerKeyPair pair, TorrentClient client, boolean dataVolume) {
    return new HostBootstrap(HostBootstrap.DEFAULT_ADMIN_USER, pair.management().publicKey(), pair.host(),
        clients.get(client).debianPackages(), dataVolume).render();
  }

  private static Map<String, Object> install(TorrentClientProfile profile, boolean https) {
    int listen = profile.ports().stream().filter(p -> p.number() != profile.webUiPort()).findFirst()
        .map(TorrentClientProfile.Port::number).orElseThrow(() -> new IllegalStateException(
            profile.kind() + " names no BitTorrent port"));
    return ManagedServer.install(profile.webUiPort(), listen, https);
  }
}

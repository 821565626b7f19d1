package dev.seedbox.operator.host;

import dev.seedbox.hostchannel.HostChannel;
import dev.seedbox.hostchannel.HostReply;
import dev.seedbox.hostchannel.HostTarget;
import dev.seedbox.hostchannel.HostVerb;
import dev.seedbox.hostchannel.https.CertificateCheck;
import dev.seedbox.hostchannel.https.HttpsSite;
import dev.seedbox.hostchannel.webui.WebUiLogin;
import dev.seedbox.keys.key.SshKeyPair;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One Seedbox's client on its server, as the host channel reaches it: where (the pinned target), with which key,
 * the host script's slot arguments, and the web UI the customer logs in to.
 *
 * @param slot the host script's arguments that name the client instance ({@code slot}, {@code client})
 * @param install what {@code install-client} needs beyond the slot (ports, bind address)
 * @param customerServer the customer's own server (BYOS), where we installed nothing before: no first boot of ours
 *     to wait for, and the host script is installed through the customer's sudo
 * @param https the site Caddy serves in front of the client, which then answers on loopback only; empty with HTTPS
 *     off, where {@code webUiUrl} is the client's own port
 * @param certificates how the site's certificate is looked at from outside
 */
public record ManagedServer(HostChannel channel, WebUiLogin login, HostTarget target, SshKeyPair key,
    Map<String, Object> slot, Map<String, Object> install, URI webUiUrl, boolean customerServer,
    Optional<HttpsSite> https, CertificateCheck certificates) {

  /** Where a client behind Caddy listens: only Caddy on the same server reaches it. */
  public static final String LOOPBACK = "127.0.0.1";
  /** Where a client without HTTPS listens: the server's public addresses. */
  public static final String ANY_ADDRESS = "0.0.0.0";

  public ManagedServer {
    slot = Map.copyOf(slot);
    install = Map.copyOf(install);
    Objects.requireNonNull(https, "https");
    Objects.requireNonNull(certificates, "certificates");
  }

  /** What {@code install-client} needs for a client on these ports, bound as HTTPS on or off requires. */
  public static Map<String, Object> install(int webUiPort, int listenPort, boolean https) {
    return Map.of("webUiPort", webUiPort, "listenPort", listenPort, "bindAddress", https ? LOOPBACK : ANY_ADDRESS);
  }

  /** Sets up (or confirms) Caddy's site for the slot; only called with {@link #https()} present. */
  public HostReply configureHttps() {
    return channel.run(target, key, HostVerb.CONFIGURE_HTTPS, https.orElseThrow().args(slot));
  }

  /** Whether Caddy holds a certificate for the slot's site yet. */
  public HostReply httpsStatus() {
    return channel.run(target, key, HostVerb.HTTPS_STATUS, Map.of("slot", slot.get("slot")));
  }

  /** Takes the slot's site off the server's Caddy (which stops when no site is left). */
  public HostReply removeHttps() {
    return channel.run(target, key, HostVerb.REMOVE_HTTPS, Map.of("slot", slot.get("slot")));
  }

  public HostReply run(HostVerb verb) {
    return channel.run(target, key, verb, slot);
  }

  /** On a customer's server: installs or upgrades the host script; on ours, cloud-init did. */
  public HostReply ensureHostScript() {
    return channel.ensureHostScript(target, key);
  }

  public HostReply installClient() {
    Map<String, Object> args = new HashMap<>(slot);
    args.putAll(install);
    return channel.run(target, key, HostVerb.INSTALL_CLIENT, args);
  }

  /** The customer's server can take this slot: its ports free and {@code diskGb} free for downloads. */
  public HostReply preflight(int diskGb) {
    Map<String, Object> args = new HashMap<>(slot);
    args.putAll(install);
    args.put("diskGb", diskGb);
    // Caddy will need ports 80 and 443 there
    args.put("https", https.isPresent());
    return channel.run(target, key, HostVerb.PREFLIGHT, args);
  }

  /** Removes the slot's client, unit and user; its downloads stay unless {@code deleteData}. */
  public HostReply uninstall(boolean deleteData) {
    Map<String, Object> args = new HashMap<>(slot);
    args.put("deleteData", deleteData);
    return channel.run(target, key, HostVerb.UNINSTALL, args);
  }

  /** Sets the web UI credentials in the slot; the server hashes the password in its client's own format. */
  public HostReply setCredentials(String username, String password) {
    Map<String, Object> args = new HashMap<>(slot);
    args.put("username", username);
    args.put("password", password);
    return channel.run(target, key, HostVerb.SET_CREDENTIALS, args);
  }

  @Override
  public String toString() {
    return "ManagedServer[" + target + ", slot=" + slot.get("slot") + ", webUi=" + webUiUrl + "]";
  }
}

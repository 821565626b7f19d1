package dev.seedbox.operator.host;

import dev.seedbox.hostchannel.HostChannel;
import dev.seedbox.hostchannel.HostReply;
import dev.seedbox.hostchannel.HostTarget;
import dev.seedbox.hostchannel.HostVerb;
import dev.seedbox.hostchannel.webui.WebUiLogin;
import dev.seedbox.keys.key.SshKeyPair;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * One Seedbox's client on its server, as the host channel reaches it: where (the pinned target), with which key,
 * the host script's slot arguments, and the web UI the customer logs in to.
 *
 * @param slot the host script's arguments that name the client instance ({@code slot}, {@code client})
 * @param install what {@code install-client} needs beyond the slot (ports, bind address)
 * @param customerServer the customer's own server (BYOS), where we installed nothing before: no first boot of ours
 *     to wait for, and the host script is installed through the customer's sudo
 */
public record ManagedServer(HostChannel channel, WebUiLogin login, HostTarget target, SshKeyPair key,
    Map<String, Object> slot, Map<String, Object> install, URI webUiUrl, boolean customerServer) {

  public ManagedServer {
    slot = Map.copyOf(slot);
    install = Map.copyOf(install);
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

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
 */
public record ManagedServer(HostChannel channel, WebUiLogin login, HostTarget target, SshKeyPair key,
    Map<String, Object> slot, Map<String, Object> install, URI webUiUrl) {

  public ManagedServer {
    slot = Map.copyOf(slot);
    install = Map.copyOf(install);
  }

  public HostReply run(HostVerb verb) {
    return channel.run(target, key, verb, slot);
  }

  public HostReply installClient() {
    Map<String, Object> args = new HashMap<>(slot);
    args.putAll(install);
    return channel.run(target, key, HostVerb.INSTALL_CLIENT, args);
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

package dev.seedbox.provisioning;

import java.util.Objects;

/**
 * The answer to {@link ProvisioningProvider#create}.
 *
 * @param server the server as the provider reported it
 * @param adopted true when the server already existed (an earlier call created it) and no new server was made
 */
public record CreatedServer(ServerInfo server, boolean adopted) {

  public CreatedServer {
    Objects.requireNonNull(server, "server");
  }

  public ServerRef ref() {
    return server.ref();
  }
}

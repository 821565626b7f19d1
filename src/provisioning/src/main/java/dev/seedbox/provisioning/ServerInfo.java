package dev.seedbox.provisioning;

import java.util.Objects;
import java.util.Optional;

/**
 * What a provider reports about one of our servers.
 *
 * @param ref where the server lives
 * @param seedboxUid the Seedbox UID from the server's tag or label
 * @param state the mapped state
 * @param providerStatus the provider's own status word, for messages
 * @param ipv4 the public IPv4 address, or null until the provider assigned one
 */
public record ServerInfo(ServerRef ref, String seedboxUid, ServerState state, String providerStatus, String ipv4) {

  public ServerInfo {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(seedboxUid, "seedboxUid");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(providerStatus, "providerStatus");
  }

  public Optional<String> address() {
    return Optional.ofNullable(ipv4);
  }
}

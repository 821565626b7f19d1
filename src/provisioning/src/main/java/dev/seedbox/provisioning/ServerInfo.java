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
 * @param ipv6 the server's public IPv6 address, null where it has none
 */
public record ServerInfo(ServerRef ref, String seedboxUid, ServerState state, String providerStatus, String ipv4,
    String ipv6) {

  /** A server with no IPv6 address. */
  public ServerInfo(ServerRef ref, String seedboxUid, ServerState state, String providerStatus, String ipv4) {
    this(ref, seedboxUid, state, providerStatus, ipv4, null);
  }

  public ServerInfo {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(seedboxUid, "seedboxUid");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(providerStatus, "providerStatus");
  }

  public Optional<String> address() {
    return Optional.ofNullable(ipv4);
  }

  public Optional<String> ipv6Address() {
    return Optional.ofNullable(ipv6);
  }
}

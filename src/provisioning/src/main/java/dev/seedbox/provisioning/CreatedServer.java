package dev.seedbox.provisioning;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer to {@link ProvisioningProvider#create}.
 *
 * @param server the server as the provider reported it
 * @param adopted true when the server already existed (an earlier call created it) and no new server was made
 * @param volume the block storage volume attached to it, or null when the request asked for none
 * @param duplicatesDeleted newer servers that carried the same Seedbox UID and were deleted (the caller audits them)
 */
public record CreatedServer(ServerInfo server, boolean adopted, VolumeInfo volume, List<ServerRef> duplicatesDeleted) {

  public CreatedServer {
    Objects.requireNonNull(server, "server");
    duplicatesDeleted = List.copyOf(duplicatesDeleted);
  }

  public CreatedServer(ServerInfo server, boolean adopted) {
    this(server, adopted, null, List.of());
  }

  public Optional<VolumeInfo> attachedVolume() {
    return Optional.ofNullable(volume);
  }

  public ServerRef ref() {
    return server.ref();
  }
}

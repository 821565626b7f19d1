package dev.seedbox.provisioning;

import java.util.Objects;
import java.util.Optional;

/**
 * A block storage volume we made for a Seedbox: the storage its plan sells, tagged or labelled with its UID.
 *
 * @param id the provider's volume id (DigitalOcean: a UUID; Hetzner: a 64-bit number written in decimal)
 * @param seedboxUid the Seedbox UID from the volume's tag or label
 * @param sizeGb the size the provider reports
 * @param region the volume's region or location
 * @param attachedTo the server it is attached to, or null when it is detached
 */
public record VolumeInfo(String id, String seedboxUid, long sizeGb, String region, ServerRef attachedTo) {

  public VolumeInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(seedboxUid, "seedboxUid");
    Objects.requireNonNull(region, "region");
  }

  public Optional<ServerRef> attachment() {
    return Optional.ofNullable(attachedTo);
  }

  public boolean isAttachedTo(ServerRef server) {
    return server.equals(attachedTo);
  }
}

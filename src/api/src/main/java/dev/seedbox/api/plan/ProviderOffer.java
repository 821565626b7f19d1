package dev.seedbox.api.plan;

import java.util.List;
import java.util.Objects;

/**
 * How one provider serves a plan: its server size slug, the regions where we sell the plan there, and where the
 * plan's storage lives.
 *
 * @param size the provider's server size slug or server type
 * @param regions where the plan is sold at this provider
 * @param storage a block storage volume of the plan's size, or the server's own disk
 * @param diskGb the server size's own disk in GB, or 0 when the catalog does not say (then storage is a volume)
 */
public record ProviderOffer(String size, List<String> regions, Storage storage, long diskGb) {

  /** Where a plan's storage lives. */
  public enum Storage {
    /** A block storage volume of {@code storageGb}, attached to the server and mounted at the download directory. */
    VOLUME("volume"),
    /** The server's own disk is large enough: no volume. */
    SERVER_DISK("serverDisk");

    private final String wireName;

    Storage(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }
  }

  public ProviderOffer {
    Objects.requireNonNull(size, "size");
    regions = List.copyOf(regions);
    Objects.requireNonNull(storage, "storage");
  }

  /** An offer whose storage is a volume, its server's disk not stated. */
  public ProviderOffer(String size, List<String> regions) {
    this(size, regions, Storage.VOLUME, 0);
  }

  public boolean offersRegion(String region) {
    return regions.contains(region);
  }
}

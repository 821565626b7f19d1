package dev.seedbox.api.plan;

import java.util.List;

/** How one provider serves a plan: its server size slug and the regions where we sell the plan there. */
public record ProviderOffer(String size, List<String> regions) {

  public ProviderOffer {
    regions = List.copyOf(regions);
  }

  public boolean offersRegion(String region) {
    return regions.contains(region);
  }
}

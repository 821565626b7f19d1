package dev.seedbox.api.plan;

import dev.seedbox.api.v1alpha1.ProviderKind;
import java.util.Map;
import java.util.Optional;

/**
 * A plan we sell: the price of one 30-day period in cents, the storage it includes, and where it can run.
 * Prices live here, never in a custom resource.
 */
public record Plan(
    String id,
    String displayName,
    long pricePerPeriodCents,
    long storageGb,
    Map<ProviderKind, ProviderOffer> offers) {

  public Plan {
    offers = Map.copyOf(offers);
  }

  /** The offer for this provider and region, if the plan is sold there. */
  public Optional<ProviderOffer> offer(ProviderKind provider, String region) {
    ProviderOffer offer = offers.get(provider);
    return offer != null && offer.offersRegion(region) ? Optional.of(offer) : Optional.empty();
  }
}

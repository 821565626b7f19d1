package dev.seedbox.api.plan;

import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.api.v1alpha1.TorrentClient;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A plan we sell: the price of one 30-day period in cents, the storage it includes (a volume of that size, or the
 * server's own disk where the catalog says it fits), and where it can run. Prices live here, never in a custom
 * resource.
 *
 * @param ownServer a plan for the customer's own server (BYOS): the price is our management fee, {@code storageGb}
 *     the free disk the server must have for downloads, and there are no provider offers
 * @param clients the BitTorrent clients a Seedbox of this plan may ask for; empty: every client
 */
public record Plan(
    String id,
    String displayName,
    long pricePerPeriodCents,
    long storageGb,
    Map<ProviderKind, ProviderOffer> offers,
    boolean ownServer,
    Set<TorrentClient> clients) {

  public Plan {
    offers = Map.copyOf(offers);
    clients = Set.copyOf(clients);
    if (ownServer && !offers.isEmpty()) {
      throw new IllegalArgumentException("plan " + id + " is for the customer's own server and has no provider offers");
    }
  }

  /** A plan that offers every client. */
  public Plan(String id, String displayName, long pricePerPeriodCents, long storageGb,
      Map<ProviderKind, ProviderOffer> offers, boolean ownServer) {
    this(id, displayName, pricePerPeriodCents, storageGb, offers, ownServer, Set.of());
  }

  /** A plan for cloud servers. */
  public Plan(String id, String displayName, long pricePerPeriodCents, long storageGb,
      Map<ProviderKind, ProviderOffer> offers) {
    this(id, displayName, pricePerPeriodCents, storageGb, offers, false);
  }

  /** Whether a Seedbox of this plan may run {@code client}. */
  public boolean offersClient(TorrentClient client) {
    return clients.isEmpty() || clients.contains(client);
  }

  /** The offer for this provider and region, if the plan is sold there. */
  public Optional<ProviderOffer> offer(ProviderKind provider, String region) {
    ProviderOffer offer = offers.get(provider);
    return offer != null && offer.offersRegion(region) ? Optional.of(offer) : Optional.empty();
  }

  /**
   * The size of the volume a server of this plan gets at this provider: {@link #storageGb()}, or 0 when the offer
   * keeps the storage on the server's own disk (or the plan is not sold there).
   */
  public long volumeGb(ProviderKind provider) {
    ProviderOffer offer = offers.get(provider);
    return offer != null && offer.storage() == ProviderOffer.Storage.VOLUME ? storageGb : 0;
  }
}

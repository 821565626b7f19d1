package dev.seedbox.operator.seedbox;

import dev.seedbox.api.v1alpha1.BillingAccount;
import dev.seedbox.api.v1alpha1.ByosConnection;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.api.v1alpha1.SeedboxSpec;
import dev.seedbox.operator.ledgerevents.LedgerChangeEventSource;
import dev.seedbox.operator.ledgerevents.LedgerListener;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What wakes a Seedbox besides its own changes: its BillingAccount (spec or deletion), its ByosConnection, the
 * ledger's NOTIFY for its account. Keeps the indexes that map each of them
 * to the Seedboxes concerned.
 */
final class SeedboxEventSources {

  static final String ACCOUNT_INDEX = "seedbox.dev/account-ref";
  static final String BYOS_INDEX = "seedbox.dev/byos-ref";

  private volatile IndexedResourceCache<Seedbox> seedboxCache;

  List<EventSource<?, Seedbox>> prepare(EventSourceContext<Seedbox> context, LedgerListener ledgerListener,
      SeedboxObserver observer) {
    context.getPrimaryCache().addIndexers(Map.of(
        ACCOUNT_INDEX, sb -> reference(sb, "accountRef", SeedboxSpec::getAccountRef),
        BYOS_INDEX, sb -> reference(sb, "byosConnectionRef", SeedboxSpec::getByosConnectionRef),
        LedgerChangeEventSource.UID_INDEX, LedgerChangeEventSource::uidKey));
    IndexedResourceCache<Seedbox> cache = context.getPrimaryCache();
    seedboxCache = cache;

    InformerEventSource<BillingAccount, Seedbox> accountSource = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(BillingAccount.class, Seedbox.class)
            .withName("seedbox-billing-accounts")
            .withNamespacesInheritedFromController()
            // A Seedbox reads its account's balance and state from the ledger (LISTEN/NOTIFY wakes it on every
            // ledger change), not from the BillingAccount's status; without this filter each status patch (one per
            // charge) would wake every Seedbox of the account a second time, each polling its provider.
            .withOnUpdateFilter(SeedboxEventSources::accountChangeMatters)
            .withSecondaryToPrimaryMapper(ba -> ids(cache.byIndex(ACCOUNT_INDEX, key(ba))))
            .build(), context);
    accountSource.addIndexer(LedgerChangeEventSource.UID_INDEX, LedgerChangeEventSource::uidKey);

    InformerEventSource<ByosConnection, Seedbox> byosSource = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(ByosConnection.class, Seedbox.class)
            .withName("seedbox-byos-connections")
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(c -> ids(cache.byIndex(BYOS_INDEX, key(c))))
            .build(), context);
    observer.readFrom(accountSource, byosSource);

    LedgerChangeEventSource<Seedbox> ledgerChanges = LedgerChangeEventSource.forReferencingResources(ledgerListener,
        accountSource, (BillingAccount ba) -> cache.byIndex(ACCOUNT_INDEX, key(ba)));
    return List.of(accountSource, byosSource, ledgerChanges);
  }

  /** A BillingAccount update a Seedbox acts on: its spec (generation) or its deletion, not a status projection. */
  static boolean accountChangeMatters(BillingAccount updated, BillingAccount previous) {
    return !Objects.equals(updated.getMetadata().getGeneration(), previous.getMetadata().getGeneration())
        || !Objects.equals(updated.getMetadata().getDeletionTimestamp(),
            previous.getMetadata().getDeletionTimestamp());
  }

  /** Whether the Seedbox informer holds a Seedbox with this UID (the orphan sweep's first check). */
  boolean cachedSeedboxWithUid(String uid) {
    IndexedResourceCache<Seedbox> cache = seedboxCache;
    return cache != null && !cache.byIndex(LedgerChangeEventSource.UID_INDEX, uid).isEmpty();
  }

  /** Whether the informer caches are set up (the controller has started). */
  boolean started() {
    return seedboxCache != null;
  }

  /**
   * The index key of what the Seedbox references; for one whose spec did not decode, read from what was stored, so
   * a change of the account or connection still reaches it.
   */
  private static List<String> reference(Seedbox seedbox, String field, Function<SeedboxSpec, String> decoded) {
    String name = seedbox.getSpec() != null ? decoded.apply(seedbox.getSpec())
        : seedbox.storedSpecText(field).orElse(null);
    return name == null ? List.of() : List.of(key(seedbox.getMetadata().getNamespace(), name));
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  private static String key(HasMetadata resource) {
    return key(resource.getMetadata().getNamespace(), resource.getMetadata().getName());
  }

  private static Set<ResourceID> ids(List<Seedbox> seedboxes) {
    return seedboxes.stream().map(ResourceID::fromResource).collect(Collectors.toSet());
  }
}

package dev.seedbox.operator.ledgerevents;

import dev.seedbox.operator.events.WakeEventSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A JOSDK event source fed by PostgreSQL {@code LISTEN seedbox_ledger} (through the process's one
 * {@link LedgerListener}): each notification names a BillingAccount UID, which this source maps to the primary
 * resources to reconcile. The periodic resync (maximum reconciliation interval) stays the safety net.
 *
 * <p>Two controllers register it:
 * <ul>
 *   <li>Seedbox: {@link #forSeedboxes} maps the account UID to the BillingAccount (a UID index on the Seedbox
 *       controller's BillingAccount informer) and on to the Seedboxes whose {@code spec.accountRef} names it.</li>
 *   <li>BillingAccount: {@link #forBillingAccounts} maps the UID to the BillingAccount itself. In the
 *       BillingAccountReconciler's {@code prepareEventSources(context)}:
 *       {@code return List.of(LedgerChangeEventSource.forBillingAccounts(listener, context));}</li>
 * </ul>
 */
public final class LedgerChangeEventSource<P extends HasMetadata> extends WakeEventSource<P> {

  /** Index of a cache of BillingAccounts (or any resource) by {@code metadata.uid}. */
  public static final String UID_INDEX = "seedbox.dev/uid";

  private final LedgerListener listener;
  private final Consumer<String> subscriber = this::wake;

  public LedgerChangeEventSource(String name, LedgerListener listener, Function<String, Set<ResourceID>> primaries) {
    super(name, primaries);
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** For the BillingAccount controller: a ledger change of an account reconciles that BillingAccount. */
  public static <P extends HasMetadata> LedgerChangeEventSource<P> forBillingAccounts(LedgerListener listener,
      EventSourceContext<P> context) {
    context.getPrimaryCache().addIndexer(UID_INDEX, LedgerChangeEventSource::uidKey);
    IndexedResourceCache<P> cache = context.getPrimaryCache();
    return new LedgerChangeEventSource<>("ledger-changes", listener, uid -> ids(cache.byIndex(UID_INDEX, uid)));
  }

  /**
   * For a controller of resources that reference an account: {@code accounts} is a BillingAccount cache indexed by
   * {@link #UID_INDEX}; {@code referencing} finds the primaries that reference a BillingAccount.
   */
  public static <P extends HasMetadata, A extends HasMetadata> LedgerChangeEventSource<P> forReferencingResources(
      LedgerListener listener, IndexedResourceCache<A> accounts, Function<A, List<P>> referencing) {
    return new LedgerChangeEventSource<>("ledger-changes", listener, uid -> accounts.byIndex(UID_INDEX, uid).stream()
        .flatMap(account -> referencing.apply(account).stream())
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet()));
  }

  /** The indexer function for {@link #UID_INDEX}. */
  public static List<String> uidKey(HasMetadata resource) {
    String uid = resource.getMetadata().getUid();
    return uid == null ? List.of() : List.of(uid);
  }

  private static Set<ResourceID> ids(List<? extends HasMetadata> resources) {
    return resources.stream().map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  @Override
  public void start() {
    listener.subscribe(subscriber);
    super.start();
  }

  @Override
  public void stop() {
    listener.unsubscribe(subscriber);
    super.stop();
  }
}

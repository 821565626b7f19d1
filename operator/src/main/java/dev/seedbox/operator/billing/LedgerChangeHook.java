package dev.seedbox.operator.billing;

import dev.seedbox.api.v1alpha1.BillingAccount;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.util.List;

/**
 * Where the ledger's LISTEN/NOTIFY event source (channel {@code seedbox_ledger}, payload: the BillingAccount UID)
 * plugs into the BillingAccount controller, so a top-up or a suspension shows on the resource within seconds.
 * Until it is connected the controller relies on the periodic resync ({@code SEEDBOX_MAX_RECONCILE_INTERVAL}).
 */
@FunctionalInterface
public interface LedgerChangeHook {

  /** No event source: the periodic resync alone keeps the status current. */
  LedgerChangeHook RESYNC_ONLY = context -> List.of();

  List<EventSource<?, BillingAccount>> eventSources(EventSourceContext<BillingAccount> context);
}

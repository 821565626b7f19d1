package dev.seedbox.billing;

import dev.seedbox.billing.account.AccountQueries;
import dev.seedbox.billing.topup.PaymentStore;
import dev.seedbox.billing.webhook.PaymentEvents;

/**
 * Everything the billing-controller needs from PostgreSQL, in one place for the wiring. SEAM(ledger): the next
 * session implements it on {@code src/ledger} (a runtime-role pool from {@code DatabaseSettings}), adds the billing
 * cycle worker and the payment poll next to it, and replaces {@link BillingMain#openLedger}.
 */
public interface LedgerBackend extends AutoCloseable {

  PaymentEvents paymentEvents();

  PaymentStore payments();

  AccountQueries accounts();

  /** For {@code /readyz}: the database answers. May block briefly. */
  boolean ready();

  @Override
  void close();
}

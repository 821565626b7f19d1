package dev.seedbox.billing;

import dev.seedbox.billing.account.AccountQueries;
import dev.seedbox.billing.cycle.PendingPayments;
import dev.seedbox.billing.ledger.LedgerAccountQueries;
import dev.seedbox.billing.ledger.LedgerPaymentEvents;
import dev.seedbox.billing.ledger.LedgerPaymentStore;
import dev.seedbox.billing.ledger.LedgerPendingPayments;
import dev.seedbox.billing.topup.PaymentStore;
import dev.seedbox.ledger.LedgerModule;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Everything the billing-controller needs from PostgreSQL, over one runtime-role pool, in one place for the wiring. */
public final class LedgerBackend implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LedgerBackend.class);

  private final LedgerModule module;
  private final LedgerPaymentEvents events;
  private final LedgerPaymentStore payments;
  private final LedgerAccountQueries accounts;
  private final LedgerPendingPayments pending;
  private final AutoCloseable pool;

  private LedgerBackend(LedgerModule module, MeterRegistry metrics, AutoCloseable pool) {
    this.module = module;
    this.events = new LedgerPaymentEvents(module.jdbi(), module.ledger(), module.payments(), module.audit(), metrics);
    this.payments = new LedgerPaymentStore(module.jdbi(), module.ledger(), module.payments(), events);
    this.accounts = new LedgerAccountQueries(module.ledger());
    this.pending = new LedgerPendingPayments(module.jdbi(), module.payments(), module.audit());
    this.pool = pool;
  }

  /**
   * @param runtime a pool connected as the runtime role
   * @param pool closed with the backend, or {@code null} when the caller owns the pool
   */
  public static LedgerBackend open(DataSource runtime, AutoCloseable pool, Clock clock, MeterRegistry metrics) {
    return new LedgerBackend(LedgerModule.create(runtime, clock), metrics, pool);
  }

  public LedgerModule module() {
    return module;
  }

  public LedgerPaymentEvents paymentEvents() {
    return events;
  }

  public PaymentStore payments() {
    return payments;
  }

  public AccountQueries accounts() {
    return accounts;
  }

  public PendingPayments pendingPayments() {
    return pending;
  }

  /** For {@code /readyz}: the database answers. */
  public boolean ready() {
    try {
      return module.jdbi().withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one() == 1);
    } catch (RuntimeException e) {
      LOG.warn("database readiness check failed: {}", e.getClass().getSimpleName());
      return false;
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      try {
        pool.close();
      } catch (Exception e) {
        LOG.warn("closing the database pool failed: {}", e.toString());
      }
    }
  }
}

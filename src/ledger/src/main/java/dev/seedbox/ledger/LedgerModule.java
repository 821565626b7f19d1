package dev.seedbox.ledger;

import dev.seedbox.ledger.audit.AuditLog;
import dev.seedbox.ledger.audit.AuditSealer;
import dev.seedbox.ledger.byos.ByosConnections;
import dev.seedbox.ledger.payments.Payments;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/** The ledger's parts wired over one runtime-role DataSource, for the services' hand-written wiring classes. */
public record LedgerModule(Jdbi jdbi, AuditLog audit, AuditSealer sealer, BillingPolicy billing, Ledger ledger,
    SeedboxRecords seedboxes, Payments payments, ByosConnections byos) {

  /** How long the billing cycle's or the sealer's lock may be found held elsewhere before it is a WARN line. */
  public static final Duration LOCK_LIMIT = Duration.ofMinutes(5);

  public static LedgerModule create(DataSource runtime, Clock clock) {
    Jdbi jdbi = Jdbi.create(runtime);
    AuditLog audit = new AuditLog(jdbi, clock);
    BillingPolicy billing = new BillingPolicy(jdbi, clock, audit, LOCK_LIMIT);
    return new LedgerModule(jdbi, audit, new AuditSealer(jdbi, clock, LOCK_LIMIT), billing, new Ledger(jdbi, clock, audit, billing),
        new SeedboxRecords(jdbi, clock, audit, billing), new Payments(jdbi, clock), new ByosConnections(jdbi, clock,
        audit));
  }
}

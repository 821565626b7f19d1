package dev.seedbox.ledger;

import dev.seedbox.ledger.audit.AuditLog;
import dev.seedbox.ledger.audit.AuditSealer;
import dev.seedbox.ledger.byos.ByosConnections;
import dev.seedbox.ledger.payments.Payments;
import java.time.Clock;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/** The ledger's parts wired over one runtime-role DataSource, for the services' hand-written wiring classes. */
public record LedgerModule(Jdbi jdbi, AuditLog audit, AuditSealer sealer, BillingPolicy billing, Ledger ledger,
    SeedboxRecords seedboxes, Payments payments, ByosConnections byos) {

  public static LedgerModule create(DataSource runtime, Clock clock) {
    Jdbi jdbi = Jdbi.create(runtime);
    AuditLog audit = new AuditLog(jdbi, clock);
    BillingPolicy billing = new BillingPolicy(jdbi, clock, audit);
    return new LedgerModule(jdbi, audit, new AuditSealer(jdbi), billing, new Ledger(jdbi, clock, audit, billing),
        new SeedboxRecords(jdbi, clock, audit, billing), new Payments(jdbi, clock), new ByosConnections(jdbi, clock,
        audit));
  }
}

package dev.seedbox.ledger.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.ledger.CycleReport;
import dev.seedbox.ledger.LedgerModule;
import dev.seedbox.ledger.testing.MutableClock;
import dev.seedbox.ledger.testing.PostgresDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Architecture §13: a billing cycle over 100,000 active seedboxes in ≤ 10 s, and a rerun of the same period in ≤ 3 s.
 * Not part of {@code mvn verify}; run it with
 * {@code mvn -B -o -pl src/ledger -am verify -Dgroups=bench -Dtest=BillingCycleBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false} and read the figures in the test output
 * ({@code src/ledger/target/surefire-reports/dev.seedbox.ledger.bench.BillingCycleBenchmark-output.txt}).
 */
@Tag("bench")
class BillingCycleBenchmark {

  @RegisterExtension
  static final PostgresDatabase DB = new PostgresDatabase();

  static final int SEEDBOXES = Integer.getInteger("bench.seedboxes", 100_000);
  static final int PER_ACCOUNT = Integer.getInteger("bench.seedboxesPerAccount", 5);

  @Test
  void billingCycleOver100kActiveSeedboxes() throws SQLException {
    Instant due = Instant.parse("2026-02-01T00:00:00Z");
    int accounts = SEEDBOXES / PER_ACCOUNT;
    // seeded as the owner: the runtime roles open accounts at 0 and write entries only through the functions
    try (Connection c = DB.owner().getConnection(); Statement s = c.createStatement()) {
      s.execute("""
          INSERT INTO seedbox_billing_accounts (uid, namespace, name, owner, created_at, updated_at)
          SELECT 'acct-' || g, 'bench', 'acct-' || g, 'owner', now(), now() FROM generate_series(1, %d) g"""
          .formatted(accounts));
      s.execute("""
          INSERT INTO seedbox_ledger_entries (account_uid, kind, amount_cents, balance_after_cents, idempotency_key,
                                              payment_key, actor, occurred_at)
          SELECT 'acct-' || g, 'TopUp', 100000, 100000, 'topup:bench-' || g, 'bench-' || g, 'bench', now()
            FROM generate_series(1, %d) g""".formatted(accounts));
      s.execute("""
          INSERT INTO seedbox_resources (seedbox_uid, account_uid, namespace, name, plan, price_cents, phase,
                                         paid_through, charge_count, created_at, updated_at)
          SELECT 'sb-' || g, 'acct-' || ((g - 1) / %d + 1), 'bench', 'sb-' || g, 'small', 999, 'Active',
                 '%s'::timestamptz - (g %% 1000) * interval '1 second', 1, now(), now()
            FROM generate_series(1, %d) g""".formatted(PER_ACCOUNT, due, SEEDBOXES));
    }
    try (Connection c = DB.owner().getConnection(); Statement s = c.createStatement()) {
      s.execute("VACUUM ANALYZE");
    }
    MutableClock clock = new MutableClock(due.plusSeconds(60));
    LedgerModule module = LedgerModule.create(DB.runtime(), clock);

    long start = System.nanoTime();
    CycleReport first = module.billing().runCycle();
    double firstSeconds = (System.nanoTime() - start) / 1e9;

    start = System.nanoTime();
    CycleReport rerun = module.billing().runCycle();
    double rerunSeconds = (System.nanoTime() - start) / 1e9;

    System.out.printf("BENCH billing cycle: %d seedboxes in %d accounts on %d cores%n", SEEDBOXES, accounts,
        Runtime.getRuntime().availableProcessors());
    System.out.printf("BENCH first run: %d charges in %.2f s = %.0f charges/s (target <= 10 s)%n",
        first.chargesPosted(), firstSeconds, first.chargesPosted() / firstSeconds);
    System.out.printf("BENCH rerun of the same period: %d charges in %.3f s (target <= 3 s)%n",
        rerun.chargesPosted(), rerunSeconds);

    assertThat(first.chargesPosted()).isEqualTo(SEEDBOXES);
    assertThat(rerun.chargesPosted()).isZero();
    long mismatched = module.jdbi().withHandle(h -> h.createQuery("""
            SELECT count(*) FROM seedbox_billing_accounts a
             WHERE a.balance_cents <> (SELECT sum(amount_cents) FROM seedbox_ledger_entries e WHERE e.account_uid = a.uid)""")
        .mapTo(Long.class).one());
    assertThat(mismatched).isZero();
  }
}

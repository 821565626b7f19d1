package dev.seedbox.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.ledger.payments.Payment;
import dev.seedbox.ledger.testing.MutableClock;
import dev.seedbox.ledger.testing.PostgresDatabase;
import java.time.Duration;
import java.util.UUID;

/** Wires the ledger over a class's database with a hand-moved clock. */
final class LedgerTestSupport {

  final PostgresDatabase db;
  final MutableClock clock;
  final LedgerModule module;

  LedgerTestSupport(PostgresDatabase db, String start) {
    this.db = db;
    this.clock = MutableClock.at(start);
    this.module = LedgerModule.create(db.runtime(), clock);
  }

  Ledger ledger() {
    return module.ledger();
  }

  BillingPolicy billing() {
    return module.billing();
  }

  SeedboxRecords seedboxes() {
    return module.seedboxes();
  }

  String openAccount(long thresholdCents, int graceDays) {
    String uid = UUID.randomUUID().toString();
    ledger().openAccount(new AccountSpec(uid, "customers", "acct-" + uid.substring(0, 8), "owner@example.com", "USD",
        thresholdCents, graceDays), "test");
    return uid;
  }

  String startSeedbox(String accountUid, long priceCents) {
    String uid = UUID.randomUUID().toString();
    ledger().startProvisioning(new SeedboxOrder(uid, accountUid, "customers", "sb-" + uid.substring(0, 8), "small",
        priceCents, Phase.PROVISIONING), "operator");
    return uid;
  }

  /** An account and its one seedbox, held for non-payment: its second period is due and the balance is zero. */
  record Suspended(String account, String seedbox) {}

  /** Pays one period of a seedbox at {@code priceCents}, lets {@code period} pass and runs the cycle. */
  Suspended suspendedAccount(long priceCents, Duration period) {
    String account = openAccount(0, 7);
    ledger().creditTopUp(account, account + "-p1", priceCents, "test");
    String seedbox = startSeedbox(account, priceCents);
    clock.advance(period);
    billing().runCycle();
    assertThat(ledger().account(account).orElseThrow().state()).isEqualTo(AccountStanding.SUSPENDED);
    return new Suspended(account, seedbox);
  }

  /** The invariant every test leans on: the cached balance is the sum of the entries, and never negative. */
  void assertBalanceIsSumOfEntries(String accountUid) {
    Long[] row = module.jdbi().withHandle(h -> h.createQuery("""
            SELECT a.balance_cents, coalesce((SELECT sum(amount_cents) FROM seedbox_ledger_entries e
                                               WHERE e.account_uid = a.uid), 0) AS total
              FROM seedbox_billing_accounts a WHERE a.uid = :uid""")
        .bind("uid", accountUid)
        .map((rs, ctx) -> new Long[] {rs.getLong(1), rs.getLong(2)})
        .one());
    assertThat(row[0]).as("cached balance of %s", accountUid).isEqualTo(row[1]).isGreaterThanOrEqualTo(0L);
  }

  /** A pending payment row of ours that carries a gateway id ({@code gw-<our id>}), as a top-up leaves it. */
  Payment payment(String accountUid, long cents) {
    Payment p = module.payments().create(accountUid, cents, "BTC");
    module.payments().recordGatewayPaymentId(p.id(), "gw-" + p.id());
    return module.payments().byId(p.id()).orElseThrow();
  }

  /** A count query with positional arguments. */
  long count(String sql, Object... args) {
    return module.jdbi().withHandle(h -> {
      var q = h.createQuery(sql);
      for (int i = 0; i < args.length; i++) {
        q.bind(i, args[i]);
      }
      return q.mapTo(Long.class).one();
    });
  }

  long auditCount(String action, String resource) {
    return module.jdbi().withHandle(h -> h.createQuery(
            "SELECT count(*) FROM seedbox_audit_events WHERE action = :action AND resource = :resource")
        .bind("action", action).bind("resource", resource).mapTo(Long.class).one());
  }

  static void handMadeTopUp(PostgresDatabase db, String accountUid, String key, long cents) {
    db.handMadeTopUp(accountUid, key, cents);
  }

  /**
   * The function is SECURITY DEFINER (the schema owner's), pins search_path with pg_temp last, is not executable
   * by PUBLIC, and only {@code allowed} of the two service roles may call it.
   */
  static void assertOwnerDefinedAndPinned(LedgerTestSupport t, String function, String allowed, String refused) {
    assertThat(t.count("SELECT count(*) FROM pg_proc WHERE proname = ? AND prosecdef", function))
        .as("%s runs with the owner's rights", function).isEqualTo(1);
    assertThat(t.count("SELECT count(*) FROM pg_proc WHERE proname = ? AND proconfig @> ARRAY["
        + "'search_path=pg_catalog, public, pg_temp']", function)).as("%s pins search_path", function).isEqualTo(1);
    assertThat(t.count("SELECT count(*) FROM pg_proc p, aclexplode(p.proacl) a WHERE p.proname = ?"
        + " AND a.grantee = 0 AND a.privilege_type = 'EXECUTE'", function)).as("PUBLIC may call %s", function)
        .isZero();
    assertThat(t.count("SELECT count(*) FROM pg_proc p WHERE p.proname = ? AND has_function_privilege(?, p.oid,"
        + " 'EXECUTE')", function, allowed)).isEqualTo(1);
    assertThat(t.count("SELECT count(*) FROM pg_proc p WHERE p.proname = ? AND has_function_privilege(?, p.oid,"
        + " 'EXECUTE')", function, refused)).isZero();
  }
}

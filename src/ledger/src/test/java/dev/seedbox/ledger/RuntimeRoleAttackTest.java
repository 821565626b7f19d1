package dev.seedbox.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seedbox.ledger.audit.AuditSealer;
import dev.seedbox.ledger.audit.ChainHead;
import dev.seedbox.ledger.audit.ChainReport;
import dev.seedbox.ledger.audit.SealVerification;
import dev.seedbox.ledger.payments.Payment;
import dev.seedbox.ledger.schema.RuntimeRoles;
import dev.seedbox.ledger.schema.SchemaMigration;
import dev.seedbox.ledger.schema.UnsafeRuntimeRoleException;
import dev.seedbox.ledger.testing.PostgresDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The attacks an independent review ran against the ledger, connected as the services' own runtime roles: each now
 * fails with a clear error and leaves the balances and the audit chain intact.
 */
class RuntimeRoleAttackTest {

  @RegisterExtension
  static final PostgresDatabase DB = new PostgresDatabase();

  LedgerTestSupport t;
  String account;
  String seedbox;

  @BeforeEach
  void setUp() {
    t = new LedgerTestSupport(DB, "2026-01-01T00:00:00Z");
    account = t.openAccount(0, 7);
    t.ledger().creditTopUp(account, "p-" + account, 1_000, "test");
    seedbox = t.startSeedbox(account, 100);
  }

  @AfterEach
  void ledgerAndChainAreIntact() {
    DB.useDatabaseClock(false);
    t.assertBalanceIsSumOfEntries(account);
    t.module.sealer().sealPending();
    assertThat(t.module.sealer().verify()).isInstanceOf(SealVerification.Intact.class);
  }

  static void exec(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static String single(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  // ---- 1. escalation to the schema owner

  @ParameterizedTest
  @ValueSource(strings = {PostgresDatabase.OPERATOR_ROLE, PostgresDatabase.BILLING_ROLE})
  void aRuntimeRoleCannotShadowOurTablesWithATemporaryOne(String role) {
    DataSource as = role.equals(PostgresDatabase.OPERATOR_ROLE) ? DB.operator() : DB.billing();
    assertThatThrownBy(() -> exec(as, "CREATE TEMP TABLE seedbox_payments (id uuid)"))
        .hasMessageContaining("permission denied to create temporary tables");
    assertThatThrownBy(() -> exec(as, "CREATE TABLE public.seedbox_sneaky (id int)"))
        .hasMessageContaining("permission denied for schema public");
    assertThatThrownBy(() -> exec(as, "CREATE FUNCTION public.seedbox_sneaky() RETURNS int LANGUAGE sql AS 'SELECT 1'"))
        .hasMessageContaining("permission denied for schema public");
  }

  @Test
  void everyFunctionOfOursPinsSearchPathWithPgTempLast() {
    assertThat(t.count("""
        SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = 'public' AND p.proname LIKE 'seedbox\\_%'
           AND NOT coalesce(p.proconfig @> ARRAY['search_path=pg_catalog, public, pg_temp'], false)"""))
        .as("functions without the pinned search_path").isZero();
    assertThat(t.count("""
        SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = 'public' AND p.proname LIKE 'seedbox\\_%'""")).isGreaterThan(15);
  }

  @Test
  void migrateRefusesToFinishWhileARuntimeRoleHoldsTemporaryOrCreate() throws SQLException {
    String database = DB.databaseName();
    exec(DB.superuser(), "GRANT TEMPORARY ON DATABASE " + database + " TO " + PostgresDatabase.OPERATOR_ROLE);
    exec(DB.superuser(), "GRANT CREATE ON SCHEMA public TO " + PostgresDatabase.BILLING_ROLE);
    try {
      assertThatThrownBy(() -> SchemaMigration.migrate(DB.owner(), RuntimeRoles.DEFAULTS))
          .isInstanceOf(UnsafeRuntimeRoleException.class)
          .hasMessageContaining("runtime role seedbox_operator holds TEMPORARY on database " + database)
          .hasMessageContaining("runtime role seedbox_billing holds CREATE on schema public");
    } finally {
      exec(DB.superuser(), "REVOKE TEMPORARY ON DATABASE " + database + " FROM " + PostgresDatabase.OPERATOR_ROLE);
      exec(DB.superuser(), "REVOKE CREATE ON SCHEMA public FROM " + PostgresDatabase.BILLING_ROLE);
    }
    SchemaMigration.migrate(DB.owner(), RuntimeRoles.DEFAULTS);
  }

  // ---- 2. minting with the ordinary grants

  @Test
  void anAccountOpensAtZero() {
    assertThatThrownBy(() -> exec(DB.operator(), """
        INSERT INTO seedbox_billing_accounts (uid, namespace, name, owner, balance_cents, created_at, updated_at)
        VALUES ('rich', 'ns', 'rich', 'me', 100000000, now(), now())"""))
        .hasMessageContaining("permission denied for table seedbox_billing_accounts");
    assertThatThrownBy(() -> exec(DB.billing(), """
        INSERT INTO seedbox_billing_accounts (uid, namespace, name, owner, created_at, updated_at)
        VALUES ('rich', 'ns', 'rich', 'me', now(), now())"""))
        .hasMessageContaining("permission denied for table seedbox_billing_accounts");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "INSERT INTO seedbox_ledger_entries (account_uid, kind, amount_cents, balance_after_cents, idempotency_key,"
          + " payment_key, actor, occurred_at) VALUES ('%s', 'TopUp', 5000, 6000, 'topup:nothing', 'nothing', 'x', now())",
      "INSERT INTO seedbox_ledger_entries (id, account_uid, kind, amount_cents, balance_after_cents, idempotency_key,"
          + " payment_key, actor, occurred_at) OVERRIDING SYSTEM VALUE VALUES (999999, '%s', 'TopUp', 5000, 6000,"
          + " 'topup:chosen', 'chosen', 'x', now())",
      "INSERT INTO seedbox_ledger_entries (account_uid, kind, amount_cents, balance_after_cents, idempotency_key,"
          + " reason, actor, occurred_at) VALUES ('%s', 'Adjustment', 5000, 5900, 'adjust:x', 'x', 'x', 'infinity')"
  })
  void neitherRoleInsertsEntriesDirectly(String sql) {
    for (DataSource role : new DataSource[] {DB.operator(), DB.billing()}) {
      assertThatThrownBy(() -> exec(role, sql.formatted(account)))
          .hasMessageContaining("permission denied for table seedbox_ledger_entries");
    }
  }

  @Test
  void aChargeMustNameAnExistingSeedboxAndItsNextPeriod() {
    assertThatThrownBy(() -> exec(DB.operator(),
        "SELECT * FROM seedbox_post_charges(ARRAY['no-such-seedbox'], ARRAY[1], 'x', NULL)"))
        .hasMessageContaining("a Charge names an existing seedbox: no seedbox no-such-seedbox");
    assertThatThrownBy(() -> exec(DB.billing(),
        "SELECT * FROM seedbox_post_charges(ARRAY['" + seedbox + "'], ARRAY[5], 'x', NULL)"))
        .hasMessageContaining("seedbox " + seedbox + " is at period 1, found period 5");
    assertThatThrownBy(() -> exec(DB.billing(),
        "SELECT * FROM seedbox_post_charges(ARRAY['" + seedbox + "'], ARRAY[0], 'x', NULL)"))
        .hasMessageContaining("is at period 1, found period 0");
    assertThatThrownBy(() -> exec(DB.operator(),
        "UPDATE seedbox_resources SET paid_through = 'infinity', charge_count = 9 WHERE seedbox_uid = '" + seedbox + "'"))
        .hasMessageContaining("permission denied for table seedbox_resources");
  }

  @Test
  void aRefundNamesADebitOfItsAccountAndGivesBackAtMostItsAmount() throws SQLException {
    long charge = t.ledger().entry("charge:" + seedbox + ":0").orElseThrow().id();
    long topUp = t.ledger().history(account, 10).stream().filter(e -> e.kind() == EntryKind.TopUp).findFirst()
        .orElseThrow().id();
    assertThatThrownBy(() -> exec(DB.operator(),
        "SELECT * FROM seedbox_post_refund(" + charge + ", 101, 'more than charged', 'x', NULL)"))
        .hasMessageContaining("gives back between 1 and 100 cents, found 101");
    assertThatThrownBy(() -> exec(DB.operator(),
        "SELECT * FROM seedbox_post_refund(" + topUp + ", 100, 'refund a credit', 'x', NULL)"))
        .hasMessageContaining("a Refund gives back a debit");
    assertThatThrownBy(() -> exec(DB.operator(),
        "SELECT * FROM seedbox_post_refund(" + charge + ", 100, '  ', 'x', NULL)"))
        .hasMessageContaining("expected a non-blank reason");
    String other = t.openAccount(0, 7);
    // the refund always goes to the refunded entry's own account
    exec(DB.operator(), "SELECT * FROM seedbox_post_refund(" + charge + ", 40, 'partial', 'x', NULL)");
    assertThat(t.ledger().balance(other)).isZero();
    assertThat(t.ledger().balance(account)).isEqualTo(940);
    assertThatThrownBy(() -> exec(DB.operator(),
        "SELECT * FROM seedbox_post_refund(" + charge + ", 40, 'again', 'x', NULL)"))
        .hasMessageContaining("already exists");
  }

  @Test
  void aTopUpCreditsOnlyAPaymentRowOnceForItsAmount() throws SQLException {
    assertThat(single(DB.billing(), "SELECT outcome FROM seedbox_credit_payment(gen_random_uuid(), 'x', NULL, 'c')"))
        .isEqualTo("unknown_payment");
    Payment p = t.payment(account, 250);
    assertThat(single(DB.billing(), "SELECT outcome FROM seedbox_credit_payment('" + p.id() + "', 'x', NULL, 'c')"))
        .isEqualTo("credited");
    assertThat(single(DB.billing(), "SELECT outcome FROM seedbox_credit_payment('" + p.id() + "', 'x ', NULL, 'c')"))
        .isEqualTo("replayed");
    assertThat(t.ledger().balance(account)).isEqualTo(1_150);
    assertThatThrownBy(() -> exec(DB.operator(), "SELECT * FROM seedbox_credit_payment('" + p.id() + "', 'x', NULL, 'c')"))
        .hasMessageContaining("permission denied for function seedbox_credit_payment");
  }

  @Test
  void anAdjustmentCarriesAReasonAndAnActorAndOnlyTheBillingRoleMakesOne() {
    assertThatThrownBy(() -> exec(DB.billing(),
        "SELECT * FROM seedbox_post_adjustment('" + account + "', 'k', 100, '', 'x', NULL)"))
        .hasMessageContaining("expected a non-blank reason");
    assertThatThrownBy(() -> exec(DB.billing(),
        "SELECT * FROM seedbox_post_adjustment('" + account + "', 'k', 100, 'goodwill', ' ', NULL)"))
        .hasMessageContaining("expected a non-blank actor");
    assertThatThrownBy(() -> exec(DB.operator(),
        "SELECT * FROM seedbox_post_adjustment('" + account + "', 'k', 100, 'goodwill', 'x', NULL)"))
        .hasMessageContaining("permission denied for function seedbox_post_adjustment");
  }

  @Test
  void timesComeFromTheDatabaseUnlessTheOwnerTrustsTheCallersClock() throws SQLException {
    DB.useDatabaseClock(true);
    exec(DB.billing(), "SELECT * FROM seedbox_post_adjustment('" + account + "', 'late', 5, 'goodwill', 'x',"
        + " '2099-01-01T00:00:00Z')");
    exec(DB.operator(), "INSERT INTO seedbox_audit_events (occurred_at, actor, action, resource)"
        + " VALUES ('infinity', 'x', 'test.chosen-time', 'x')");
    Instant entryAt = OffsetDateTime.parse(single(DB.owner(), "SELECT to_char(occurred_at AT TIME ZONE 'UTC', "
        + "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM seedbox_ledger_entries WHERE idempotency_key = 'adjust:late'"))
        .toInstant();
    assertThat(entryAt).isBetween(Instant.now().minus(Duration.ofMinutes(5)), Instant.now().plusSeconds(5));
    assertThat(single(DB.owner(), "SELECT isfinite(occurred_at) FROM seedbox_audit_events"
        + " WHERE action = 'test.chosen-time'")).isEqualTo("t");
  }

  // ---- 3. seals

  @Test
  void neitherRoleWritesSealsOrChoosesAnEventsTransaction() {
    for (DataSource role : new DataSource[] {DB.operator(), DB.billing()}) {
      assertThatThrownBy(() -> exec(role, "INSERT INTO seedbox_audit_seals (seq, event_id, prev_hash, hash)"
          + " VALUES (9223372036854775807, 1, decode(repeat('00', 32), 'hex'), decode(repeat('00', 32), 'hex'))"))
          .hasMessageContaining("permission denied for table seedbox_audit_seals");
      assertThatThrownBy(() -> exec(role, "INSERT INTO seedbox_audit_events (occurred_at, actor, action, resource,"
          + " txid) VALUES (now(), 'x', 'x', 'x', '9223372036854775807')"))
          .hasMessageContaining("permission denied for table seedbox_audit_events");
    }
    assertThatThrownBy(() -> exec(DB.operator(), "SELECT * FROM seedbox_seal_audit_events(10)"))
        .hasMessageContaining("permission denied for function seedbox_seal_audit_events");
  }

  @Test
  void aBadRowIsRecordedAsAFaultAndSealingGoesOnPastIt() throws SQLException {
    long infinite;
    long future;
    try (Connection c = DB.superuser().getConnection(); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE seedbox_audit_events DISABLE TRIGGER seedbox_audit_events_stamp");
      infinite = insertReturningId(s, "INSERT INTO seedbox_audit_events (occurred_at, actor, action, resource)"
          + " VALUES ('infinity', 'x', 'test.infinite', 'x') RETURNING id");
      future = insertReturningId(s, "INSERT INTO seedbox_audit_events (occurred_at, actor, action, resource, txid)"
          + " VALUES (now(), 'x', 'test.future-txid', 'x', '9223372036854775807') RETURNING id");
      s.execute("ALTER TABLE seedbox_audit_events ENABLE TRIGGER seedbox_audit_events_stamp");
    }
    long after = t.module.audit().append("writer", "test.after-the-bad-rows", "x", Map.of());

    var run = t.module.sealer().seal();
    assertThat(run.faulted()).isEqualTo(2);
    assertThat(t.count("SELECT count(*) FROM seedbox_audit_seals WHERE event_id = ?", after)).isEqualTo(1);
    ChainReport report = t.module.sealer().report(run.head(), Duration.ofHours(1));
    assertThat(report.passed()).isFalse();
    assertThat(report.faults()).anyMatch(f -> f.startsWith("event " + infinite + ": occurred_at infinity"))
        .anyMatch(f -> f.startsWith("event " + future + ": txid 9223372036854775807"));
    // a second run neither stops nor reports them again
    assertThat(t.module.sealer().seal().faulted()).isZero();
  }

  @Test
  void theOperatorCannotHoldTheSealersOrTheCyclesLock() throws SQLException {
    assertThatThrownBy(() -> exec(DB.operator(), "SELECT seedbox_try_lock('billing-cycle')"))
        .hasMessageContaining("permission denied for function seedbox_try_lock");
    try (Connection c = DB.operator().getConnection(); Statement s = c.createStatement()) {
      // the advisory keys the sealer and the cycle used to take: holding them stops nothing now
      s.execute("SELECT pg_advisory_lock(" + 0x5eedb0a0_0000_0001L + "), pg_advisory_lock(" + 0x5eedb0a0_0000_0002L
          + ")");
      t.module.audit().append("writer", "test.while-locked", "x", Map.of());
      assertThat(t.module.sealer().sealPending()).isPositive();
      t.clock.advance(Duration.ofDays(31));
      assertThat(t.billing().runCycleExclusively()).hasValueSatisfying(r -> assertThat(r.chargesPosted()).isPositive());
      assertThat(t.ledger().entry("charge:" + seedbox + ":1")).as("the cycle's charge is committed").isPresent();
      s.execute("SELECT pg_advisory_unlock_all()");
    }
  }

  @Test
  void aLockHeldElsewhereIsReportedWithHowLong() {
    try (Handle h = t.module.jdbi().open()) {
      h.begin();
      assertThat(h.createQuery("SELECT seedbox_try_lock('billing-cycle')").mapTo(Boolean.class).one()).isTrue();
      assertThat(t.billing().runCycleExclusively()).isEmpty();
      t.clock.advance(Duration.ofMinutes(7));
      assertThat(t.billing().runCycleExclusively()).isEmpty();
      assertThat(t.billing().cycleLockBusyFor()).isEqualTo(Duration.ofMinutes(7));
      h.rollback();
    }
    assertThat(t.billing().runCycleExclusively()).isPresent();
    assertThat(t.billing().cycleLockBusyFor()).isZero();
  }

  // ---- 4. anchored verification

  @Test
  void verifyFindsATruncatedTailAgainstThePublishedHead() throws SQLException {
    t.module.audit().append("writer", "test.one", "x", Map.of());
    t.module.audit().append("writer", "test.two", "x", Map.of());
    ChainHead published = t.module.sealer().seal().head().orElseThrow();
    try (Connection c = DB.superuser().getConnection(); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE seedbox_audit_seals DISABLE TRIGGER USER");
      s.execute("DELETE FROM seedbox_audit_seals WHERE seq >= " + (published.seq() - 1));
      s.execute("ALTER TABLE seedbox_audit_seals ENABLE TRIGGER USER");
    }
    AuditSealer sealer = t.module.sealer();
    assertThat(sealer.verify()).as("without an anchor a truncated chain looks whole")
        .isInstanceOf(SealVerification.Intact.class);
    SealVerification anchored = sealer.verify(Optional.of(published));
    assertThat(anchored).isInstanceOf(SealVerification.Broken.class);
    assertThat(((SealVerification.Broken) anchored).reason()).contains("truncated");
    restoreChain();
  }

  @Test
  void verifyFindsHistoryRewrittenWithEveryHashRecomputed() throws SQLException {
    long target = t.module.audit().append("alice@ops", "test.rewrite-target", "x", Map.of("n", 1));
    ChainHead published = t.module.sealer().seal().head().orElseThrow();
    try (Connection c = DB.superuser().getConnection(); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE seedbox_audit_seals DISABLE TRIGGER USER");
      s.execute("ALTER TABLE seedbox_audit_events DISABLE TRIGGER USER");
      s.execute("UPDATE seedbox_audit_events SET actor = 'mallory' WHERE id = " + target);
      s.execute("DELETE FROM seedbox_audit_seals");
      s.execute("ALTER TABLE seedbox_audit_events ENABLE TRIGGER USER");
      s.execute("ALTER TABLE seedbox_audit_seals ENABLE TRIGGER USER");
      s.execute("SELECT * FROM seedbox_seal_audit_events(100000)");
    }
    AuditSealer sealer = t.module.sealer();
    assertThat(sealer.verify()).as("every hash recomputes").isInstanceOf(SealVerification.Intact.class);
    SealVerification anchored = sealer.verify(Optional.of(published));
    assertThat(anchored).isInstanceOf(SealVerification.Broken.class);
    assertThat(((SealVerification.Broken) anchored).reason()).contains("rewritten");
  }

  @Test
  void verifyReportsEventsLeftUnsealedTooLong() {
    t.module.sealer().sealPending();
    long late = t.module.audit().append("writer", "test.unsealed", "x", Map.of());
    t.clock.advance(Duration.ofHours(2));
    ChainReport report = t.module.sealer().report(t.module.sealer().head(), Duration.ofHours(1));
    assertThat(report.overdueEventIds()).containsExactly(late);
    assertThat(report.passed()).isFalse();
    assertThat(report.lines()).anyMatch(l -> l.contains("unsealed for longer than PT1H"));
  }

  // ---- 6. one role per service

  @Test
  void eachServiceRoleHasOnlyWhatItsServiceCalls() {
    assertThatThrownBy(() -> exec(DB.operator(), "SELECT * FROM seedbox_payments"))
        .hasMessageContaining("permission denied for table seedbox_payments");
    assertThatThrownBy(() -> exec(DB.operator(), "SELECT * FROM seedbox_credit_paid_webhook(NULL, 'gw', 'payment"
        + ".confirmed', 'e', 'x', NULL, 'c')"))
        .hasMessageContaining("permission denied for function seedbox_credit_paid_webhook");
    assertThatThrownBy(() -> exec(DB.billing(), "INSERT INTO seedbox_resources (seedbox_uid, account_uid, namespace,"
        + " name, plan, price_cents, phase, created_at, updated_at) VALUES ('x', '" + account + "', 'n', 'n', 'p', 0,"
        + " 'Provisioning', now(), now())"))
        .hasMessageContaining("permission denied for table seedbox_resources");
    assertThatThrownBy(() -> exec(DB.billing(), "SELECT * FROM seedbox_byos_connections"))
        .hasMessageContaining("permission denied for table seedbox_byos_connections");
    assertThatThrownBy(() -> exec(DB.billing(), "SELECT * FROM seedbox_post_refund(1, 1, 'r', 'x', NULL)"))
        .hasMessageContaining("permission denied for function seedbox_post_refund");
  }

  private static long insertReturningId(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Re-seals what a test cut off, so the chain ends whole for the next test. */
  private void restoreChain() throws SQLException {
    try (Connection c = DB.superuser().getConnection(); Statement s = c.createStatement()) {
      s.execute("SELECT * FROM seedbox_seal_audit_events(100000)");
    }
  }
}

package dev.seedbox.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seedbox.ledger.audit.AuditSealer;
import dev.seedbox.ledger.audit.SealVerification;
import dev.seedbox.ledger.testing.PostgresDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseEnforcementTest {

  @RegisterExtension
  static final PostgresDatabase DB = new PostgresDatabase();

  LedgerTestSupport t;
  String account;

  @BeforeEach
  void setUp() {
    t = new LedgerTestSupport(DB, "2026-01-01T00:00:00Z");
    account = t.openAccount(0, 7);
    t.ledger().creditTopUp(account, "p-" + account, 1_000, "test");
  }

  static void exec(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "UPDATE seedbox_ledger_entries SET amount_cents = 1000000",
      "DELETE FROM seedbox_ledger_entries",
      "TRUNCATE seedbox_ledger_entries",
      "ALTER TABLE seedbox_ledger_entries DISABLE TRIGGER seedbox_ledger_entries_append_only",
      "ALTER TABLE seedbox_ledger_entries DISABLE TRIGGER ALL",
      "ALTER TABLE seedbox_ledger_entries DROP CONSTRAINT entry_shape",
      "UPDATE seedbox_audit_events SET actor = 'someone else'",
      "DELETE FROM seedbox_audit_events",
      "TRUNCATE seedbox_audit_events",
      "ALTER TABLE seedbox_audit_events DISABLE TRIGGER seedbox_audit_events_append_only",
      "DELETE FROM seedbox_audit_seals",
      "TRUNCATE seedbox_audit_seals",
      "UPDATE seedbox_billing_accounts SET balance_cents = 99999999",
      "DROP TRIGGER seedbox_ledger_entries_apply ON seedbox_ledger_entries",
      "CREATE TABLE seedbox_sneaky (id int)"
  })
  void runtimeRoleCannotRewriteHistoryOrMoveBalancesBehindTheLedger(String sql) {
    assertThatThrownBy(() -> exec(DB.runtime(), sql)).isInstanceOf(SQLException.class);
    t.assertBalanceIsSumOfEntries(account);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "UPDATE seedbox_ledger_entries SET amount_cents = 1000000",
      "DELETE FROM seedbox_ledger_entries",
      "TRUNCATE seedbox_ledger_entries CASCADE",
      "UPDATE seedbox_audit_events SET actor = 'someone else'",
      "TRUNCATE seedbox_audit_events CASCADE"
  })
  void evenTheOwnerIsStoppedByTheTriggersUnlessItDisablesThem(String sql) {
    assertThatThrownBy(() -> exec(DB.owner(), sql)).isInstanceOf(SQLException.class)
        .hasMessageContaining("append-only");
  }

  @Test
  void refusesAnEntryThatWouldMakeTheBalanceNegative() {
    assertThatThrownBy(() -> exec(DB.owner(), """
        INSERT INTO seedbox_ledger_entries (account_uid, kind, amount_cents, balance_after_cents, idempotency_key,
                                            reason, actor, occurred_at)
        VALUES ('%s', 'Adjustment', -5000, 0, 'sneaky', 'x', 'x', now())""".formatted(account)))
        .isInstanceOf(SQLException.class);
    t.assertBalanceIsSumOfEntries(account);
  }

  @Test
  void refusesAnEntryWhoseBalanceAfterDoesNotContinueTheChain() {
    // only the owner can insert entries at all; the chain check stands behind its functions too
    assertThatThrownBy(() -> exec(DB.owner(), """
        INSERT INTO seedbox_ledger_entries (account_uid, kind, amount_cents, balance_after_cents, idempotency_key,
                                            reason, actor, occurred_at)
        VALUES ('%s', 'Adjustment', 100, 5, 'stale', 'x', 'x', now())""".formatted(account)))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("ledger gives 1100");
  }

  @Test
  void refusesASecondChargeForTheSamePeriodEvenUnderAnotherKey() {
    String seedbox = t.startSeedbox(account, 100);
    assertThatThrownBy(() -> exec(DB.owner(), """
        INSERT INTO seedbox_ledger_entries (account_uid, kind, amount_cents, balance_after_cents, idempotency_key,
                                            seedbox_uid, period, actor, occurred_at)
        VALUES ('%s', 'Charge', -100, 800, 'other-key', '%s', 0, 'x', now())""".formatted(account, seedbox)))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("one_charge_per_period");
  }

  @Test
  void verifyNamesARowAlteredBehindTheTriggersBack() throws SQLException {
    AuditSealer sealer = t.module.sealer();
    long target = t.module.audit().append("alice@ops", "test.tamper-target", "x", Map.of("n", 1));
    t.module.audit().append("alice@ops", "test.after", "x", Map.of("n", 2));
    sealer.sealPending();
    assertThat(sealer.verify()).isInstanceOf(SealVerification.Intact.class);

    try (Connection c = DB.superuser().getConnection(); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE seedbox_audit_events DISABLE TRIGGER USER");
      s.execute("UPDATE seedbox_audit_events SET actor = 'mallory' WHERE id = " + target);
      s.execute("ALTER TABLE seedbox_audit_events ENABLE TRIGGER USER");
    }

    SealVerification result = sealer.verify();
    assertThat(result).isInstanceOf(SealVerification.Broken.class);
    SealVerification.Broken broken = (SealVerification.Broken) result;
    assertThat(broken.eventId()).isEqualTo(target);
    assertThat(broken.reason()).contains("altered");
  }
}

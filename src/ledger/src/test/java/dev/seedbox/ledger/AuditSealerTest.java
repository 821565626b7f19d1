package dev.seedbox.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.ledger.audit.AuditSealer;
import dev.seedbox.ledger.audit.SealVerification;
import dev.seedbox.ledger.testing.PostgresDatabase;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AuditSealerTest {

  @RegisterExtension
  static final PostgresDatabase DB = new PostgresDatabase();

  @Test
  void sealsAnEventThatCommitsAfterAHigherIdWithoutBreakingTheChain() {
    LedgerTestSupport t = new LedgerTestSupport(DB, "2026-01-01T00:00:00Z");
    AuditSealer sealer = t.module.sealer();
    long lowId;
    try (Handle slow = t.module.jdbi().open()) {
      slow.begin();
      lowId = t.module.audit().append(slow, "slow-writer", "test.slow", "x", Map.of());
      long highId = t.module.audit().append("fast-writer", "test.fast", "x", Map.of());
      assertThat(highId).isGreaterThan(lowId);

      sealer.sealPending();
      assertThat(sealedIds(t)).as("nothing from a transaction newer than the oldest running one")
          .doesNotContain(lowId, highId);

      slow.commit();
    }
    sealer.sealPending();
    assertThat(sealedIds(t)).contains(lowId);
    assertThat(sealer.verify()).isInstanceOf(SealVerification.Intact.class);
  }

  @Test
  void aRolledBackEventIsNeverSealedAndLeavesNoGap() {
    LedgerTestSupport t = new LedgerTestSupport(DB, "2026-01-01T00:00:00Z");
    try (Handle h = t.module.jdbi().open()) {
      h.begin();
      t.module.audit().append(h, "crasher", "test.rolled-back", "x", Map.of());
      h.rollback();
    }
    t.module.audit().append("writer", "test.kept", "x", Map.of("k", "v"));
    t.module.sealer().sealPending();
    SealVerification v = t.module.sealer().verify();
    assertThat(v).isInstanceOf(SealVerification.Intact.class);
    assertThat(((SealVerification.Intact) v).sealsChecked()).isEqualTo(sealedIds(t).size());
  }

  @Test
  void onlyOneSealerSealsAtATime() {
    LedgerTestSupport t = new LedgerTestSupport(DB, "2026-01-01T00:00:00Z");
    t.module.audit().append("writer", "test.one", "x", Map.of());
    try (Handle h = t.module.jdbi().open()) {
      h.begin();
      assertThat(h.createQuery("SELECT seedbox_try_lock('audit-sealer')").mapTo(Boolean.class).one()).isTrue();
      assertThat(t.module.sealer().sealPending()).isZero();
      h.rollback();
    }
    assertThat(t.module.sealer().sealPending()).isPositive();
  }

  private static List<Long> sealedIds(LedgerTestSupport t) {
    return t.module.jdbi().withHandle(h -> h.createQuery("SELECT event_id FROM seedbox_audit_seals ORDER BY seq")
        .mapTo(Long.class).list());
  }
}

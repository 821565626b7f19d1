package dev.seedbox.ledger;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.ledger.audit.AuditLog;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The operator's view of {@code seedbox_resources}: what it records (phase, provider reference, operator hold) and
 * what it reads while observing (billing hold, terminate-at, paid-through). The row itself and charge 0 are written
 * by {@link Ledger#startProvisioning}. Writers lock the account row before the seedbox row, the same order the
 * billing cycle uses, so they cannot deadlock with it.
 */
public final class SeedboxRecords {

  /** The audit action of a seedbox's phase change. */
  public static final String TRANSITION = "seedbox.transition";

  private final Jdbi jdbi;
  private final Clock clock;
  private final AuditLog audit;
  private final BillingPolicy policy;

  public SeedboxRecords(Jdbi jdbi, Clock clock, AuditLog audit, BillingPolicy policy) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  public Optional<SeedboxRecord> seedbox(String seedboxUid) {
    return jdbi.withHandle(h -> find(h, seedboxUid));
  }

  public List<SeedboxRecord> seedboxesOf(String accountUid) {
    return jdbi.withHandle(h -> h.createQuery(
            "SELECT * FROM seedbox_resources WHERE account_uid = :uid ORDER BY created_at, seedbox_uid")
        .bind("uid", accountUid)
        .map((rs, ctx) -> read(rs))
        .list());
  }

  /**
   * Records the seedbox's phase. Leaving the billable phases (Terminating, Terminated, Failed) re-evaluates the
   * account: a Suspended account whose held seedboxes are all gone is in good standing again.
   *
   * @return true when the phase changed
   */
  public boolean recordPhase(String seedboxUid, Phase phase, String actor) {
    return Transactions.run(jdbi, h -> recordPhase(h, seedboxUid, phase, actor));
  }

  public boolean recordPhase(Handle handle, String seedboxUid, Phase phase, String actor) {
    return recordPhase(handle, seedboxUid, phase, actor, Map.of());
  }

  /**
   * As {@link #recordPhase(String, Phase, String)}, in the caller's transaction, writing the transition's one audit
   * event ({@code seedbox.transition}) with {@code from}, {@code to} and the caller's {@code detail}.
   */
  public boolean recordPhase(Handle handle, String seedboxUid, Phase phase, String actor,
      Map<String, Object> detail) {
    return Transactions.join(handle, h -> {
      SeedboxRecord row = lockRow(h, seedboxUid);
      if (row.phase() == phase) {
        return false;
      }
      // the billable phases are defined once, by the table's generated column
      boolean leftBillable = h.createQuery("""
              UPDATE seedbox_resources r SET phase = :phase, updated_at = :now
                FROM (SELECT billable FROM seedbox_resources WHERE seedbox_uid = :uid) AS before
               WHERE r.seedbox_uid = :uid
              RETURNING before.billable AND NOT r.billable""")
          .bind("phase", phase.wireName()).bind("now", Settlement.utc(clock.instant())).bind("uid", seedboxUid)
          .mapTo(Boolean.class).one();
      Map<String, Object> audited = new java.util.LinkedHashMap<>(detail);
      audited.put("from", row.phase().wireName());
      audited.put("to", phase.wireName());
      audit.append(h, actor, TRANSITION, Settlement.seedboxResource(seedboxUid), audited);
      if (leftBillable) {
        policy.settle(h, row.accountUid(), actor, true);
      }
      return true;
    });
  }

  public void recordProviderRef(String seedboxUid, String providerRef, String actor) {
    Transactions.run(jdbi, h -> {
      SeedboxRecord row = lockRow(h, seedboxUid);
      if (!Objects.equals(row.providerRef(), providerRef)) {
        update(h, seedboxUid, "provider_ref = :value", providerRef);
        Map<String, Object> detail = new HashMap<>();
        detail.put("from", row.providerRef());
        detail.put("to", providerRef);
        audit.append(h, actor, "seedbox.provider-ref-recorded", Settlement.seedboxResource(seedboxUid), detail);
      }
      return null;
    });
  }

  /**
   * Sets or clears the operator's own hold (spec.suspend, e.g. abuse). An operator hold does not stop billing.
   *
   * @return true when the hold changed
   */
  public boolean setOperatorHold(String seedboxUid, boolean hold, String reason, String actor) {
    return Transactions.run(jdbi, h -> {
      SeedboxRecord row = lockRow(h, seedboxUid);
      String newReason = hold ? reason : null;
      if (row.operatorHold() == hold && Objects.equals(row.operatorHoldReason(), newReason)) {
        return false;
      }
      h.createUpdate("""
              UPDATE seedbox_resources SET operator_hold = :hold, operator_hold_reason = :reason, updated_at = :now
               WHERE seedbox_uid = :uid""")
          .bind("hold", hold).bind("reason", newReason).bind("now", Settlement.utc(clock.instant()))
          .bind("uid", seedboxUid).execute();
      Map<String, Object> detail = new HashMap<>();
      detail.put("hold", hold);
      detail.put("reason", newReason);
      audit.append(h, actor, hold ? "seedbox.operator-hold-set" : "seedbox.operator-hold-released",
          Settlement.seedboxResource(seedboxUid), detail);
      return true;
    });
  }

  /**
   * Places or lifts the hold that keeps a seedbox on a customer's own server out of the billing cycle while the
   * operator cannot manage it; {@code reason} says why (required when placing it).
   *
   * @return true when the hold changed
   */
  public boolean setManagementHold(String seedboxUid, boolean hold, String reason, String actor) {
    if (hold && (reason == null || reason.isBlank())) {
      throw new IllegalArgumentException("a management hold needs a reason");
    }
    return Transactions.run(jdbi, h -> {
      SeedboxRecord row = lockRow(h, seedboxUid);
      if (row.managementHold() == hold) {
        return false;
      }
      String newReason = hold ? reason : null;
      h.createUpdate("""
              UPDATE seedbox_resources SET management_hold = :hold, management_hold_reason = :reason,
                     updated_at = :now
               WHERE seedbox_uid = :uid""")
          .bind("hold", hold).bind("reason", newReason).bind("now", Settlement.utc(clock.instant()))
          .bind("uid", seedboxUid).execute();
      Map<String, Object> detail = new HashMap<>();
      detail.put("hold", hold);
      detail.put("reason", hold ? newReason : row.managementHoldReason());
      audit.append(h, actor, hold ? "seedbox.management-hold-set" : "seedbox.management-hold-released",
          Settlement.seedboxResource(seedboxUid), detail);
      return true;
    });
  }

  private SeedboxRecord lockRow(Handle h, String seedboxUid) {
    SeedboxRecord unlocked = find(h, seedboxUid).orElseThrow(() -> new UnknownRecordException("seedbox", seedboxUid));
    Ledger.lock(h, unlocked.accountUid());
    // re-read after the account lock: the billing cycle may have just moved paid-through or holds
    return find(h, seedboxUid).orElseThrow();
  }

  private void update(Handle h, String seedboxUid, String assignment, Object value) {
    h.createUpdate("UPDATE seedbox_resources SET " + assignment + ", updated_at = :now WHERE seedbox_uid = :uid")
        .bind("value", value).bind("now", Settlement.utc(clock.instant())).bind("uid", seedboxUid).execute();
  }

  static Optional<SeedboxRecord> find(Handle h, String seedboxUid) {
    return h.createQuery("SELECT * FROM seedbox_resources WHERE seedbox_uid = :uid")
        .bind("uid", seedboxUid)
        .map((rs, ctx) -> read(rs))
        .findOne();
  }

  static SeedboxRecord read(ResultSet rs) throws SQLException {
    return new SeedboxRecord(rs.getString("seedbox_uid"), rs.getString("account_uid"), rs.getString("namespace"),
        rs.getString("name"), rs.getString("plan"), rs.getLong("price_cents"), Phase.fromWireName(rs.getString("phase")),
        rs.getString("provider_ref"), Settlement.instant(rs, "paid_through"), rs.getInt("charge_count"),
        rs.getBoolean("billing_hold"), Settlement.instant(rs, "terminate_at"), rs.getBoolean("operator_hold"),
        rs.getString("operator_hold_reason"), Settlement.instant(rs, "created_at"), rs.getBoolean("management_hold"),
        rs.getString("management_hold_reason"));
  }
}

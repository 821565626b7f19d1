package dev.seedbox.ledger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.seedbox.ledger.audit.AuditLog;
import org.jdbi.v3.core.Handle;

/**
 * The billing rules and their batched persistence, shared by the billing cycle (many accounts per transaction) and
 * {@code settle} (one account, inside the transaction of a credit). {@link #decide} is a pure function; the rest
 * moves rows in and out with one statement per table per batch.
 */
final class Settlement {

  /** Charge n buys this much time. Exact hours, never calendar arithmetic, so DST and month lengths do not matter. */
  static final Duration PERIOD = Duration.ofDays(30);

  record AccountRow(String uid, long balanceCents, AccountStanding state, long thresholdCents, int graceDays,
      boolean belowThreshold) {}

  record Billable(String seedboxUid, String accountUid, long priceCents, int chargeCount, Instant paidThrough,
      boolean held, Instant terminateAt) {}

  record ChargeLine(String seedboxUid, String accountUid, int period, long priceCents, long balanceAfterCents,
      Instant paidThrough) {}

  record Hold(String seedboxUid, long priceCents, Instant terminateAt) {}

  record Outcome(AccountRow before, List<ChargeLine> charges, List<Hold> newHolds, List<String> releasedHolds,
      long balanceCents, AccountStanding state, boolean belowThreshold, int heldAfter) {

    boolean warned() {
      return belowThreshold && !before.belowThreshold();
    }

    boolean changed() {
      return !charges.isEmpty() || !newHolds.isEmpty() || !releasedHolds.isEmpty() || state != before.state()
          || belowThreshold != before.belowThreshold();
    }
  }

  private static final Comparator<Billable> DUE_ORDER =
      Comparator.comparing(Billable::paidThrough).thenComparing(Billable::seedboxUid);

  private final AuditLog audit;

  Settlement(AuditLog audit) {
    this.audit = audit;
  }

  /**
   * Decides one account's charges at {@code now}. Candidates are paid oldest-due first while the balance covers
   * them; a candidate it cannot cover is not charged and is held (a row already held keeps its terminate-at); a held
   * candidate that is paid is released. {@code heldElsewhere} counts held rows that are not candidates (the cycle
   * does not revisit holds: time suspended for non-payment is not billed, and only a credit settles them).
   */
  static Outcome decide(AccountRow account, List<Billable> candidates, int heldElsewhere, Instant now) {
    List<Billable> ordered = new ArrayList<>(candidates);
    ordered.sort(DUE_ORDER);
    long balance = account.balanceCents();
    List<ChargeLine> charges = new ArrayList<>();
    List<Hold> holds = new ArrayList<>();
    List<String> released = new ArrayList<>();
    int held = heldElsewhere;
    for (Billable b : ordered) {
      if (b.paidThrough().isAfter(now)) {
        // held but not yet due (a hold outliving its reason): nothing to pay, just release it
        if (b.held()) {
          released.add(b.seedboxUid());
        }
      } else if (b.priceCents() <= balance) {
        balance -= b.priceCents();
        Instant from = b.paidThrough().isAfter(now) ? b.paidThrough() : now;
        charges.add(new ChargeLine(b.seedboxUid(), b.accountUid(), b.chargeCount(), b.priceCents(), balance,
            from.plus(PERIOD)));
        if (b.held()) {
          released.add(b.seedboxUid());
        }
      } else if (b.held()) {
        held++;
      } else {
        holds.add(new Hold(b.seedboxUid(), b.priceCents(), now.plus(Duration.ofDays(account.graceDays()))));
        held++;
      }
    }
    boolean below = balance < account.thresholdCents();
    AccountStanding state = held > 0 ? AccountStanding.SUSPENDED
        : below ? AccountStanding.LOW_BALANCE : AccountStanding.ACTIVE;
    return new Outcome(account, charges, holds, released, balance, state, below, held);
  }

  // ---- reading

  /** Locks the accounts in uid order (so concurrent batches cannot deadlock) and returns them by uid. */
  static Map<String, AccountRow> lock(Handle h, Collection<String> uids) {
    Map<String, AccountRow> rows = new LinkedHashMap<>();
    h.createQuery("""
            SELECT uid, balance_cents, state, low_balance_threshold_cents, grace_period_days, below_threshold
              FROM seedbox_billing_accounts WHERE uid = ANY(:uids) ORDER BY uid FOR NO KEY UPDATE""")
        .bindArray("uids", String.class, List.copyOf(uids))
        .map((rs, ctx) -> new AccountRow(rs.getString("uid"), rs.getLong("balance_cents"),
            AccountStanding.fromWireName(rs.getString("state")), rs.getLong("low_balance_threshold_cents"),
            rs.getInt("grace_period_days"), rs.getBoolean("below_threshold")))
        .forEach(a -> rows.put(a.uid(), a));
    return rows;
  }

  /** Due, unheld, billable rows of these accounts (the billing cycle's candidates). */
  static Map<String, List<Billable>> dueUnheld(Handle h, Collection<String> accountUids, Instant now) {
    return candidates(h, accountUids, now, """
        AND NOT billing_hold AND paid_through <= :now""");
  }

  /** Everything settle may pay: held rows and due rows. */
  static Map<String, List<Billable>> dueOrHeld(Handle h, Collection<String> accountUids, Instant now) {
    return candidates(h, accountUids, now, """
        AND (billing_hold OR paid_through <= :now)""");
  }

  private static Map<String, List<Billable>> candidates(Handle h, Collection<String> accountUids, Instant now,
      String filter) {
    Map<String, List<Billable>> byAccount = new HashMap<>();
    h.createQuery("""
            SELECT seedbox_uid, account_uid, price_cents, charge_count, paid_through, billing_hold, terminate_at
              FROM seedbox_resources
             WHERE account_uid = ANY(:uids) AND billable AND charge_count > 0 AND NOT management_hold
            """ + filter)
        .bindArray("uids", String.class, List.copyOf(accountUids))
        .bind("now", utc(now))
        .map((rs, ctx) -> new Billable(rs.getString("seedbox_uid"), rs.getString("account_uid"),
            rs.getLong("price_cents"), rs.getInt("charge_count"), instant(rs, "paid_through"),
            rs.getBoolean("billing_hold"), instant(rs, "terminate_at")))
        .forEach(b -> byAccount.computeIfAbsent(b.accountUid(), k -> new ArrayList<>()).add(b));
    return byAccount;
  }

  static Map<String, Integer> heldCounts(Handle h, Collection<String> accountUids) {
    Map<String, Integer> counts = new HashMap<>();
    h.createQuery("""
            SELECT account_uid, count(*) AS held FROM seedbox_resources
             WHERE account_uid = ANY(:uids) AND billing_hold AND billable
             GROUP BY account_uid""")
        .bindArray("uids", String.class, List.copyOf(accountUids))
        .map((rs, ctx) -> Map.entry(rs.getString("account_uid"), rs.getInt("held")))
        .forEach(e -> counts.put(e.getKey(), e.getValue()));
    return counts;
  }

  // ---- writing

  /**
   * Posts the next period of each seedbox, in this order, through {@code seedbox_post_charges}: the database checks
   * that each names an existing seedbox and its next period, takes the amount from the price snapshot, and moves
   * paid-through, the charge count and any billing hold with the charge. One call per batch.
   */
  static void postCharges(Handle h, List<String> seedboxUids, List<Integer> periods, String actor, Instant now) {
    h.createQuery("SELECT count(*) FROM seedbox_post_charges(:seedboxes, :periods, :actor, :now)")
        .bindArray("seedboxes", String.class, seedboxUids)
        .bindArray("periods", Integer.class, periods)
        .bind("actor", actor)
        .bind("now", utc(now))
        .mapTo(Long.class)
        .one();
  }

  /**
   * Persists outcomes: charge entries (the entries trigger moves the balances), paid-through and holds on the
   * seedbox rows, account state, one audit event per state change, and a NOTIFY per changed account.
   *
   * @param notifyAnyway accounts to notify even without a change here (their money moved earlier in the transaction)
   */
  void apply(Handle h, List<Outcome> outcomes, Instant now, String actor, Collection<String> notifyAnyway) {
    List<ChargeLine> charges = new ArrayList<>();
    List<Hold> holds = new ArrayList<>();
    List<String> released = new ArrayList<>();
    List<Outcome> changed = new ArrayList<>();
    for (Outcome o : outcomes) {
      charges.addAll(o.charges());
      holds.addAll(o.newHolds());
      released.addAll(o.releasedHolds());
      if (o.changed()) {
        changed.add(o);
      }
    }
    OffsetDateTime at = utc(now);
    if (!charges.isEmpty()) {
      postCharges(h, charges.stream().map(ChargeLine::seedboxUid).toList(),
          charges.stream().map(ChargeLine::period).toList(), actor, now);
    }
    if (!holds.isEmpty()) {
      h.createUpdate("""
              UPDATE seedbox_resources r
                 SET billing_hold = true, terminate_at = CAST(u.terminate_at AS timestamptz), updated_at = :at
                FROM unnest(:seedboxes, :terminateAt) AS u(seedbox_uid, terminate_at)
               WHERE r.seedbox_uid = u.seedbox_uid""")
          .bindArray("seedboxes", String.class, holds.stream().map(Hold::seedboxUid).toList())
          .bindArray("terminateAt", String.class, holds.stream().map(x -> x.terminateAt().toString()).toList())
          .bind("at", at)
          .execute();
    }
    if (!released.isEmpty()) {
      // rows released by a charge were already cleared above; this catches holds released without one
      h.createUpdate("""
              UPDATE seedbox_resources SET billing_hold = false, terminate_at = NULL, updated_at = :at
               WHERE seedbox_uid = ANY(:seedboxes) AND billing_hold""")
          .bindArray("seedboxes", String.class, released)
          .bind("at", at)
          .execute();
    }
    if (!changed.isEmpty()) {
      h.createUpdate("""
              UPDATE seedbox_billing_accounts a
                 SET state = u.state, below_threshold = u.below, version = a.version + 1, updated_at = :at
                FROM unnest(:uids, :states, :belows) AS u(uid, state, below)
               WHERE a.uid = u.uid""")
          .bindArray("uids", String.class, changed.stream().map(o -> o.before().uid()).toList())
          .bindArray("states", String.class, changed.stream().map(o -> o.state().wireName()).toList())
          .bindArray("belows", Boolean.class, changed.stream().map(Outcome::belowThreshold).toList())
          .bind("at", at)
          .execute();
      for (Outcome o : changed) {
        auditChanges(h, o, actor);
      }
    }
    List<String> notify = new ArrayList<>(notifyAnyway);
    changed.forEach(o -> notify.add(o.before().uid()));
    notify(h, notify);
  }

  private void auditChanges(Handle h, Outcome o, String actor) {
    String account = accountResource(o.before().uid());
    if (o.state() != o.before().state()) {
      audit.append(h, actor, "account.state-changed", account, Map.of(
          "from", o.before().state().wireName(), "to", o.state().wireName(), "balanceCents", o.balanceCents(),
          "heldSeedboxes", o.heldAfter()));
    }
    if (o.warned()) {
      audit.append(h, actor, "account.low-balance-warning", account, Map.of(
          "balanceCents", o.balanceCents(), "thresholdCents", o.before().thresholdCents()));
    }
    for (Hold hold : o.newHolds()) {
      audit.append(h, actor, "seedbox.billing-hold-set", seedboxResource(hold.seedboxUid()), Map.of(
          "account", o.before().uid(), "dueCents", hold.priceCents(), "balanceCents", o.balanceCents(),
          "terminateAt", hold.terminateAt().toString()));
    }
    for (String uid : o.releasedHolds()) {
      audit.append(h, actor, "seedbox.billing-hold-released", seedboxResource(uid), Map.of(
          "account", o.before().uid(), "balanceCents", o.balanceCents()));
    }
  }

  static void notify(Handle h, Collection<String> accountUids) {
    if (accountUids.isEmpty()) {
      return;
    }
    // the same payload twice in a transaction is folded into one notification by PostgreSQL
    h.createQuery("SELECT count(pg_notify(:channel, u)) FROM unnest(:uids) AS u")
        .bind("channel", LedgerNotifications.CHANNEL)
        .bindArray("uids", String.class, List.copyOf(accountUids))
        .mapTo(Long.class)
        .one();
  }

  static String accountResource(String uid) {
    return "billingaccount:" + uid;
  }

  static String seedboxResource(String uid) {
    return "seedbox:" + uid;
  }

  static OffsetDateTime utc(Instant t) {
    return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}

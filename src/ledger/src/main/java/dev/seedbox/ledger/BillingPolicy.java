package dev.seedbox.ledger;

import dev.seedbox.ledger.Settlement.AccountRow;
import dev.seedbox.ledger.Settlement.Billable;
import dev.seedbox.ledger.Settlement.Outcome;
import dev.seedbox.ledger.audit.AuditLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The billing rules over the ledger (architecture §8): posts due charges, warns once per crossing of the low-balance
 * threshold, suspends and holds what cannot be paid, and settles after credits. It writes only PostgreSQL rows and
 * NOTIFYs {@link LedgerNotifications#CHANNEL}; it never calls Kubernetes.
 *
 * <p>The cycle is set-based: it lists the accounts with due charges from an index, then works through them in
 * batches, each batch one transaction that locks its accounts in uid order, reads their due rows in one query and
 * writes entries, seedbox rows, account states and audit events with one statement each. Two cycles racing on the
 * same period serialise on the account locks; the second re-reads after the lock, finds nothing due, and the unique
 * (seedbox, period) index stands behind that.
 */
public final class BillingPolicy {

  /** The singleton lock under which only one cycle runs at a time ({@link #runCycleExclusively()}). */
  public static final String CYCLE_LOCK = "billing-cycle";
  public static final String ACTOR = "billing-policy";

  private static final Logger LOG = LoggerFactory.getLogger(BillingPolicy.class);
  private static final int ACCOUNTS_PER_BATCH = 1_000;

  private final Jdbi jdbi;
  private final Clock clock;
  private final AuditLog audit;
  private final Settlement settlement;
  private final LockWatch cycleLock;

  public BillingPolicy(Jdbi jdbi, Clock clock, AuditLog audit, Duration lockLimit) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.settlement = new Settlement(audit);
    this.cycleLock = new LockWatch(CYCLE_LOCK, lockLimit);
  }

  /** Posts every due charge at the clock's now. Safe to run concurrently with itself and with credits. */
  public CycleReport runCycle() {
    Instant now = clock.instant();
    List<String> accounts = jdbi.withHandle(h -> h.createQuery("""
            SELECT DISTINCT account_uid FROM seedbox_resources
             WHERE billable AND NOT billing_hold AND NOT management_hold AND charge_count > 0
               AND paid_through <= :now
             ORDER BY account_uid""")
        .bind("now", Settlement.utc(now))
        .mapTo(String.class)
        .list());
    int[] totals = new int[5];
    long[] cents = new long[1];
    for (int from = 0; from < accounts.size(); from += ACCOUNTS_PER_BATCH) {
      List<String> batch = accounts.subList(from, Math.min(accounts.size(), from + ACCOUNTS_PER_BATCH));
      List<Outcome> outcomes = Transactions.run(jdbi, h -> cycleBatch(h, batch, now));
      for (Outcome o : outcomes) {
        totals[0]++;
        totals[1] += o.charges().size();
        cents[0] += o.charges().stream().mapToLong(Settlement.ChargeLine::priceCents).sum();
        totals[2] += o.newHolds().size();
        totals[3] += o.state() == AccountStanding.SUSPENDED && o.before().state() != AccountStanding.SUSPENDED ? 1 : 0;
        totals[4] += o.warned() ? 1 : 0;
      }
    }
    CycleReport report = new CycleReport(totals[0], totals[1], cents[0], totals[2], totals[3], totals[4]);
    if (report.chargesPosted() > 0 || report.holdsSet() > 0) {
      audit.append(ACTOR, "billing.cycle", "ledger", Map.of("at", now.toString(), "accounts", report.accountsVisited(),
          "charges", report.chargesPosted(), "chargedCents", report.chargedCents(), "holdsSet", report.holdsSet(),
          "accountsSuspended", report.accountsSuspended(), "lowBalanceWarnings", report.lowBalanceWarnings()));
    }
    LOG.info("billing cycle at {}: {}", now, report);
    return report;
  }

  /**
   * Runs the cycle unless another process holds the cycle lock (architecture §2: one cycle at a time across replicas).
   * The lock is a row of {@code seedbox_locks} held by a transaction kept open on its own connection for the
   * duration; only the billing role can take it, so no other role can stop the cycle by holding it.
   */
  public Optional<CycleReport> runCycleExclusively() {
    // open(), not withHandle(): a handle of withHandle would be reused by the cycle's own transactions on this
    // thread, and the lock's rollback would undo them
    try (Handle lock = jdbi.open()) {
      lock.begin();
      try {
        boolean locked = lock.createQuery("SELECT seedbox_try_lock(:name)").bind("name", CYCLE_LOCK)
            .mapTo(Boolean.class).one();
        cycleLock.attempted(locked, clock.instant());
        return locked ? Optional.of(runCycle()) : Optional.empty();
      } finally {
        lock.rollback();
      }
    }
  }

  /** How long the cycle lock has been found held elsewhere (zero when the last attempt got it). */
  public Duration cycleLockBusyFor() {
    return cycleLock.busyFor(clock.instant());
  }

  private List<Outcome> cycleBatch(Handle h, List<String> accountUids, Instant now) {
    Map<String, AccountRow> accounts = Settlement.lock(h, accountUids);
    Map<String, List<Billable>> due = Settlement.dueUnheld(h, accounts.keySet(), now);
    Map<String, Integer> held = Settlement.heldCounts(h, accounts.keySet());
    List<Outcome> outcomes = new ArrayList<>(accounts.size());
    for (AccountRow account : accounts.values()) {
      List<Billable> rows = due.getOrDefault(account.uid(), List.of());
      if (!rows.isEmpty()) {
        outcomes.add(Settlement.decide(account, rows, held.getOrDefault(account.uid(), 0), now));
      }
    }
    settlement.apply(h, outcomes, now, ACTOR, List.of());
    return outcomes;
  }

  /** Settles one account in its own transaction. */
  public void settle(String accountUid) {
    Transactions.run(jdbi, h -> {
      settle(h, accountUid);
      return null;
    });
  }

  /**
   * Settles one account inside the caller's transaction: posts what is due, releases the holds it can pay for (and
   * their terminate-at), and sets the account Active, LowBalance or Suspended. Every credit runs this.
   */
  public void settle(Handle handle, String accountUid) {
    Transactions.join(handle, h -> {
      settle(h, accountUid, ACTOR, false);
      return null;
    });
  }

  void settle(Handle h, String accountUid, String actor, boolean moneyMoved) {
    Instant now = clock.instant();
    AccountRow account = Settlement.lock(h, List.of(accountUid)).get(accountUid);
    if (account == null) {
      throw new UnknownRecordException("billing account", accountUid);
    }
    List<Billable> rows = Settlement.dueOrHeld(h, List.of(accountUid), now).getOrDefault(accountUid, List.of());
    Outcome outcome = Settlement.decide(account, rows, 0, now);
    settlement.apply(h, List.of(outcome), now, actor, moneyMoved ? List.of(accountUid) : List.of());
  }
}

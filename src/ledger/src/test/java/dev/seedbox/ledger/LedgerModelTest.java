package dev.seedbox.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.ledger.testing.PostgresDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Random operations against the real ledger, checked step by step against a small in-memory model written
 * independently of the production rules. Replay a failure with {@code -Dledger.model.seed=<seed>}; change the length
 * with {@code -Dledger.model.ops=<n>}.
 */
class LedgerModelTest {

  @RegisterExtension
  static final PostgresDatabase DB = new PostgresDatabase();

  static final Duration PERIOD = Duration.ofDays(30);

  // ---- the model

  static final class Account {
    final String uid;
    final long threshold;
    final int grace;
    long balance;
    AccountStanding state = AccountStanding.ACTIVE;
    boolean below;

    Account(String uid, long threshold, int grace) {
      this.uid = uid;
      this.threshold = threshold;
      this.grace = grace;
    }
  }

  static final class Box {
    final String uid;
    final Account account;
    final long price;
    Phase phase = Phase.PROVISIONING;
    int charges;
    Instant paidThrough;
    boolean held;
    Instant terminateAt;
    boolean refunded;

    Box(String uid, Account account, long price) {
      this.uid = uid;
      this.account = account;
      this.price = price;
    }

    boolean billable() {
      return phase.billable() && charges > 0;
    }
  }

  final Map<String, Account> accounts = new LinkedHashMap<>();
  final Map<String, Box> boxes = new LinkedHashMap<>();
  final Map<String, Long> topUps = new HashMap<>();
  final Map<String, String> topUpOwners = new HashMap<>();
  Instant now = Instant.parse("2025-12-20T09:00:00Z");

  void modelSettle(Account a, boolean cycleOnly) {
    List<Box> candidates = new ArrayList<>();
    int heldElsewhere = 0;
    for (Box b : boxes.values()) {
      if (b.account != a || !b.billable()) {
        continue;
      }
      boolean due = !b.paidThrough.isAfter(now);
      if (cycleOnly) {
        if (b.held) {
          heldElsewhere++;
        } else if (due) {
          candidates.add(b);
        }
      } else if (b.held || due) {
        candidates.add(b);
      }
    }
    if (cycleOnly && candidates.isEmpty()) {
      return;
    }
    candidates.sort(Comparator.comparing((Box b) -> b.paidThrough).thenComparing(b -> b.uid));
    int held = heldElsewhere;
    for (Box b : candidates) {
      if (b.paidThrough.isAfter(now)) {
        b.held = false;
        b.terminateAt = null;
      } else if (b.price <= a.balance) {
        a.balance -= b.price;
        b.charges++;
        b.paidThrough = now.plus(PERIOD);
        b.held = false;
        b.terminateAt = null;
      } else {
        if (!b.held) {
          b.held = true;
          b.terminateAt = now.plus(Duration.ofDays(a.grace));
        }
        held++;
      }
    }
    a.below = a.balance < a.threshold;
    a.state = held > 0 ? AccountStanding.SUSPENDED : a.below ? AccountStanding.LOW_BALANCE : AccountStanding.ACTIVE;
  }

  // ---- the billing rules defined once, in SQL and in Java, agree

  /**
   * For random accounts and seedbox rows: the database's {@code seedbox_settle_needed} (which the webhook credits
   * use to skip settling) says "needed" whenever {@link Settlement#decide} would change anything, and says it
   * otherwise only for a hold the balance still cannot pay (its documented superset). The billable phases are the
   * table's generated column; the model's list agrees with it for every phase.
   */
  @Test
  void theDatabasesSettleNeededAndBillablePhasesAgreeWithTheJavaRules() {
    long seed = Long.getLong("ledger.model.seed", System.nanoTime());
    Random random = new Random(seed);
    org.jdbi.v3.core.Jdbi owner = org.jdbi.v3.core.Jdbi.create(DB.owner());
    Instant at = Instant.parse("2026-05-01T00:00:00Z");
    for (int round = 0; round < 300; round++) {
      String uid = "agree-" + seed + "-" + round;
      long balance = random.nextInt(4) == 0 ? 0 : random.nextInt(3_000);
      long threshold = random.nextBoolean() ? 0 : random.nextInt(3_000);
      boolean below = random.nextBoolean();
      AccountStanding state = AccountStanding.values()[random.nextInt(AccountStanding.values().length)];
      int boxes = random.nextInt(4);
      owner.useHandle(h -> {
        h.createUpdate("""
                INSERT INTO seedbox_billing_accounts (uid, namespace, name, owner, balance_cents, state,
                    low_balance_threshold_cents, grace_period_days, below_threshold, created_at, updated_at)
                VALUES (:uid, 'ns', :uid, 'o', :balance, :state, :threshold, 7, :below, now(), now())""")
            .bind("uid", uid).bind("balance", balance).bind("state", state.wireName()).bind("threshold", threshold)
            .bind("below", below).execute();
        for (int i = 0; i < boxes; i++) {
          Phase phase = Phase.values()[random.nextInt(Phase.values().length)];
          int charges = random.nextInt(3);
          boolean held = charges > 0 && random.nextBoolean();
          Instant paidThrough = charges == 0 ? null : at.plus(Duration.ofDays(random.nextInt(61) - 30));
          h.createUpdate("""
                  INSERT INTO seedbox_resources (seedbox_uid, account_uid, namespace, name, plan, price_cents, phase,
                      paid_through, charge_count, billing_hold, terminate_at, created_at, updated_at)
                  VALUES (:sb, :uid, 'ns', :sb, 'p', :price, :phase, :paid, :charges, :held,
                      CASE WHEN :held THEN now() END, now(), now())""")
              .bind("sb", uid + "-" + i).bind("uid", uid).bind("price", 100 + random.nextInt(2_000))
              .bind("phase", phase.wireName()).bind("paid", Settlement.utc(paidThrough)).bind("charges", charges)
              .bind("held", held).execute();
        }
      });
      settleNeededAgrees(owner, uid, at, seed);
    }
    for (Phase phase : Phase.values()) {
      String sb = "billable-" + seed + "-" + phase;
      boolean column = owner.withHandle(h -> {
        h.createUpdate("""
                INSERT INTO seedbox_resources (seedbox_uid, account_uid, namespace, name, plan, price_cents, phase,
                    created_at, updated_at)
                SELECT :sb, uid, 'ns', :sb, 'p', 0, :phase, now(), now() FROM seedbox_billing_accounts LIMIT 1""")
            .bind("sb", sb).bind("phase", phase.wireName()).execute();
        return h.createQuery("SELECT billable FROM seedbox_resources WHERE seedbox_uid = :sb").bind("sb", sb)
            .mapTo(Boolean.class).one();
      });
      assertThat(column).as("billable(%s), seed %s", phase, seed).isEqualTo(phase.billable());
    }
  }

  private static void settleNeededAgrees(org.jdbi.v3.core.Jdbi owner, String uid, Instant at, long seed) {
    owner.useHandle(h -> {
      Settlement.AccountRow row = Settlement.lock(h, List.of(uid)).get(uid);
      Settlement.Outcome outcome = Settlement.decide(row,
          Settlement.dueOrHeld(h, List.of(uid), at).getOrDefault(uid, List.of()), 0, at);
      boolean needed = h.createQuery("SELECT seedbox_settle_needed(:uid, :balance, :at)").bind("uid", uid)
          .bind("balance", row.balanceCents()).bind("at", Settlement.utc(at)).mapTo(Boolean.class).one();
      if (outcome.changed()) {
        assertThat(needed).as("settle needed for %s (seed %s): %s", uid, seed, outcome).isTrue();
      } else if (needed) {
        assertThat(outcome.heldAfter()).as("needed without a change only for a hold it cannot pay: %s (seed %s)",
            outcome, seed).isPositive();
      }
    });
  }

  // ---- the test

  @Test
  void tenThousandRandomOperationsAgreeWithTheModel() {
    long seed = Long.getLong("ledger.model.seed", System.nanoTime());
    int ops = Integer.getInteger("ledger.model.ops", 10_000);
    try {
      run(seed, ops);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("model test failed; replay with -Dledger.model.seed=" + seed + " : " + e, e);
    }
  }

  private void run(long seed, int ops) {
    Random random = new Random(seed);
    LedgerTestSupport t = new LedgerTestSupport(DB, now.toString());
    Ledger ledger = t.ledger();
    String run = Long.toHexString(seed);
    for (int i = 0; i < 4; i++) {
      String uid = "acct-" + run + "-" + i;
      Account a = new Account(uid, random.nextInt(4) * 1_000L, 1 + random.nextInt(10));
      ledger.openAccount(new AccountSpec(uid, "ns", uid, "owner", "USD", a.threshold, a.grace), "model");
      a.below = a.threshold > 0;
      a.state = a.below ? AccountStanding.LOW_BALANCE : AccountStanding.ACTIVE;
      accounts.put(uid, a);
    }
    List<Account> accountList = List.copyOf(accounts.values());
    int boxCounter = 0;
    int keyCounter = 0;
    for (int step = 0; step < ops; step++) {
      Account a = accountList.get(random.nextInt(accountList.size()));
      int op = random.nextInt(100);
      String what;
      if (op < 22) {
        String key = run + "-pay-" + keyCounter++;
        long amount = 100 + random.nextInt(3_000);
        what = "top-up " + key + " " + amount;
        Posting p = ledger.creditTopUp(a.uid, key, amount, "model");
        assertThat(p.replayed()).isFalse();
        topUps.put(key, amount);
        topUpOwners.put(key, a.uid);
        a.balance += amount;
        modelSettle(a, false);
      } else if (op < 27 && !topUps.isEmpty()) {
        String key = List.copyOf(topUps.keySet()).get(random.nextInt(topUps.size()));
        what = "replay " + key;
        String owner = topUpOwners.get(key);
        assertThat(ledger.creditTopUp(owner, key, topUps.get(key), "model").replayed()).isTrue();
      } else if (op < 30 && !topUps.isEmpty()) {
        String key = List.copyOf(topUps.keySet()).get(random.nextInt(topUps.size()));
        what = "reuse " + key + " with another amount";
        String owner = topUpOwners.get(key);
        expect(IdempotencyConflictException.class, () -> ledger.creditTopUp(owner, key, topUps.get(key) + 1, "model"));
      } else if (op < 45) {
        String uid = "sb-" + run + "-" + boxCounter++;
        long price = 100 + random.nextInt(2_500);
        what = "start " + uid + " at " + price;
        SeedboxOrder order = new SeedboxOrder(uid, a.uid, "ns", uid, "plan", price, Phase.PROVISIONING);
        if (a.state == AccountStanding.SUSPENDED || a.balance < price) {
          expect(InsufficientCreditException.class, () -> ledger.startProvisioning(order, "model"));
        } else {
          assertThat(ledger.startProvisioning(order, "model").replayed()).isFalse();
          if (random.nextInt(10) == 0) {
            assertThat(ledger.startProvisioning(order, "model").replayed()).isTrue();
          }
          Box b = new Box(uid, a, price);
          boxes.put(uid, b);
          a.balance -= price;
          b.charges = 1;
          b.paidThrough = now.plus(PERIOD);
          modelSettle(a, false);
        }
      } else if (op < 50) {
        Box b = pick(random, x -> x.account == a && x.charges == 1 && x.phase == Phase.PROVISIONING && !x.refunded);
        if (b == null) {
          continue;
        }
        what = "provisioning of " + b.uid + " fails, refund charge 0";
        t.seedboxes().recordPhase(b.uid, Phase.FAILED, "model");
        b.phase = Phase.FAILED;
        modelSettle(a, false);
        ledger.refundCharge(b.uid, 0, "provisioning failed", "model");
        ledger.refundCharge(b.uid, 0, "provisioning failed", "model");
        b.refunded = true;
        a.balance += b.price;
        modelSettle(a, false);
      } else if (op < 55) {
        Box b = pick(random, x -> x.account == a && x.phase.billable());
        if (b == null) {
          continue;
        }
        Phase to = random.nextBoolean() ? Phase.ACTIVE : Phase.TERMINATED;
        what = b.uid + " -> " + to;
        t.seedboxes().recordPhase(b.uid, to, "model");
        b.phase = to;
        if (to == Phase.TERMINATED) {
          modelSettle(a, false);
        }
      } else if (op < 63) {
        long amount = (random.nextBoolean() ? 1 : -1) * (1 + random.nextInt(2_000));
        String key = run + "-adj-" + keyCounter++;
        what = "adjust " + a.uid + " by " + amount;
        if (a.balance + amount < 0) {
          expect(InsufficientCreditException.class, () -> ledger.adjust(a.uid, key, amount, "dispute", "model"));
        } else {
          ledger.adjust(a.uid, key, amount, "dispute", "model");
          a.balance += amount;
          modelSettle(a, false);
        }
      } else if (op < 80) {
        Duration by = Duration.ofHours(1 + random.nextInt(24 * 12));
        now = t.clock.advance(by);
        what = "billing cycle at " + now;
        t.billing().runCycle();
        if (random.nextInt(4) == 0) {
          assertThat(t.billing().runCycle().chargesPosted()).as("rerun of the same period").isZero();
        }
        accounts.values().forEach(x -> modelSettle(x, true));
      } else if (op < 85) {
        // group commit: paid webhooks for several accounts in one call, each account settled once afterwards
        List<PaidWebhook> webhooks = new ArrayList<>();
        Map<String, Long> paid = new LinkedHashMap<>();
        for (int n = 1 + random.nextInt(6); n > 0; n--) {
          Account to = accountList.get(random.nextInt(accountList.size()));
          long amount = 100 + random.nextInt(3_000);
          var payment = t.module.payments().create(to.uid, amount, "BTC");
          String gatewayId = "gw-" + payment.id();
          t.module.payments().recordGatewayPaymentId(payment.id(), gatewayId);
          webhooks.add(new PaidWebhook(gatewayId, "payment.confirmed", "evt-" + payment.id()));
          paid.merge(to.uid, amount, Long::sum);
        }
        what = "batch credit " + paid;
        List<PaymentCredit> credits = t.module.jdbi().inTransaction(h ->
            ledger.creditPaidWebhooks(h, webhooks, "model"));
        assertThat(credits).allMatch(c -> c instanceof PaymentCredit.Credited);
        paid.forEach((uid, amount) -> accounts.get(uid).balance += amount);
        paid.keySet().forEach(uid -> modelSettle(accounts.get(uid), false));
        paid.keySet().forEach(uid -> checkAccount(t, accounts.get(uid), -1, "batch credit"));
      } else if (op < 90) {
        String key = run + "-crash-" + keyCounter++;
        what = "crash after crediting " + key;
        try (Handle h = t.module.jdbi().open()) {
          h.begin();
          ledger.creditTopUp(h, a.uid, key, 999, "model");
          if (random.nextBoolean()) {
            String uid = "sb-crash-" + run + "-" + boxCounter++;
            try {
              ledger.startProvisioning(h, new SeedboxOrder(uid, a.uid, "ns", uid, "plan", 10, Phase.PROVISIONING),
                  "model");
            } catch (InsufficientCreditException refusedBeforeWriting) {
              // still suspended after the credit: the crash below rolls back the credit all the same
            }
          }
          h.rollback();
        }
        assertThat(ledger.entry("topup:" + key)).isEmpty();
      } else {
        what = "settle " + a.uid;
        t.billing().settle(a.uid);
        modelSettle(a, false);
      }
      checkAccount(t, a, step, what);
      if (step % 250 == 0 || step == ops - 1) {
        accounts.values().forEach(x -> checkAccount(t, x, -1, "full check"));
        checkSeedboxes(t, what);
      }
    }
  }

  private void checkAccount(LedgerTestSupport t, Account a, int step, String after) {
    Object[] row = t.module.jdbi().withHandle(h -> h.createQuery("""
            SELECT a.balance_cents, a.state, coalesce((SELECT sum(amount_cents) FROM seedbox_ledger_entries e
                                                        WHERE e.account_uid = a.uid), 0) AS total
              FROM seedbox_billing_accounts a WHERE a.uid = :uid""")
        .bind("uid", a.uid)
        .map((rs, ctx) -> new Object[] {rs.getLong(1), rs.getString(2), rs.getLong(3)})
        .one());
    String context = "step " + step + " after " + after + ", account " + a.uid;
    assertThat((Long) row[0]).as("balance = sum of entries, " + context).isEqualTo((Long) row[2]);
    assertThat((Long) row[0]).as("balance never negative, " + context).isGreaterThanOrEqualTo(0L);
    assertThat((Long) row[0]).as("balance matches the model, " + context).isEqualTo(a.balance);
    assertThat(row[1]).as("state matches the model, " + context).isEqualTo(a.state.wireName());
  }

  private void checkSeedboxes(LedgerTestSupport t, String after) {
    Map<String, SeedboxRecord> rows = new HashMap<>();
    t.module.jdbi().withHandle(h -> h.createQuery("SELECT * FROM seedbox_resources")
        .map((rs, ctx) -> SeedboxRecords.read(rs)).list()).forEach(r -> rows.put(r.seedboxUid(), r));
    for (Box b : boxes.values()) {
      SeedboxRecord r = rows.get(b.uid);
      String context = "seedbox " + b.uid + " after " + after;
      assertThat(r).as(context).isNotNull();
      assertThat(r.chargeCount()).as("charges, " + context).isEqualTo(b.charges);
      assertThat(r.paidThrough()).as("paid-through, " + context).isEqualTo(b.paidThrough);
      assertThat(r.billingHold()).as("hold, " + context).isEqualTo(b.held);
      assertThat(r.terminateAt()).as("terminate-at, " + context).isEqualTo(b.terminateAt);
      assertThat(r.phase()).as("phase, " + context).isEqualTo(b.phase);
    }
  }

  private Box pick(Random random, java.util.function.Predicate<Box> filter) {
    List<Box> matching = boxes.values().stream().filter(filter).toList();
    return matching.isEmpty() ? null : matching.get(random.nextInt(matching.size()));
  }

  private static void expect(Class<? extends Throwable> type, Runnable call) {
    try {
      call.run();
    } catch (Throwable e) {
      assertThat(e).isInstanceOf(type);
      return;
    }
    throw new AssertionError("expected " + type.getSimpleName() + " but the call succeeded");
  }
}

package dev.seedbox.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.ledger.testing.PostgresDatabase;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BillingPolicyTest {

  @RegisterExtension
  static final PostgresDatabase DB = new PostgresDatabase();

  static final Duration PERIOD = Duration.ofDays(30);

  LedgerTestSupport t;

  @BeforeEach
  void setUp() {
    t = new LedgerTestSupport(DB, "2026-01-01T00:00:00Z");
  }

  @Test
  void suspendsAndHoldsWhenADueChargeCannotBeCoveredAndPostsNothingForIt() {
    String account = t.openAccount(0, 5);
    t.ledger().creditTopUp(account, account + "-p1", 1_500, "test");
    String seedbox = t.startSeedbox(account, 1_000);

    Instant due = t.clock.advance(PERIOD);
    CycleReport report = t.billing().runCycle();

    assertThat(report.chargesPosted()).isZero();
    assertThat(report.holdsSet()).isEqualTo(1);
    SeedboxRecord row = t.seedboxes().seedbox(seedbox).orElseThrow();
    assertThat(row.billingHold()).isTrue();
    assertThat(row.terminateAt()).as("now + grace period").isEqualTo(due.plus(Duration.ofDays(5)));
    assertThat(row.chargeCount()).isEqualTo(1);
    assertThat(t.ledger().account(account).orElseThrow().state()).isEqualTo(AccountStanding.SUSPENDED);
    assertThat(t.ledger().balance(account)).isEqualTo(500);
    assertThat(t.auditCount("seedbox.billing-hold-set", "seedbox:" + seedbox)).isEqualTo(1);
    assertThat(t.auditCount("account.state-changed", "billingaccount:" + account)).isEqualTo(1);

    // a second run neither charges nor re-holds (the terminate-at does not move)
    t.clock.advance(Duration.ofDays(1));
    assertThat(t.billing().runCycle().holdsSet()).isZero();
    assertThat(t.seedboxes().seedbox(seedbox).orElseThrow().terminateAt()).isEqualTo(row.terminateAt());
  }

  @Test
  void topUpSettlesClearsHoldsAndDoesNotBillTimeSuspended() {
    String account = t.openAccount(0, 7);
    t.ledger().creditTopUp(account, account + "-p1", 1_000, "test");
    String seedbox = t.startSeedbox(account, 1_000);
    t.clock.advance(PERIOD);
    t.billing().runCycle();
    assertThat(t.seedboxes().seedbox(seedbox).orElseThrow().billingHold()).isTrue();

    // ten days suspended, then the customer pays
    Instant paidAt = t.clock.advance(Duration.ofDays(10));
    t.ledger().creditTopUp(account, account + "-p2", 1_500, "billing-controller");

    SeedboxRecord row = t.seedboxes().seedbox(seedbox).orElseThrow();
    assertThat(row.billingHold()).isFalse();
    assertThat(row.terminateAt()).isNull();
    assertThat(row.chargeCount()).isEqualTo(2);
    assertThat(row.paidThrough()).as("the suspended days are not billed").isEqualTo(paidAt.plus(PERIOD));
    AccountSnapshot s = t.ledger().account(account).orElseThrow();
    assertThat(s.state()).isEqualTo(AccountStanding.ACTIVE);
    assertThat(s.balanceCents()).isEqualTo(500);
    assertThat(t.auditCount("seedbox.billing-hold-released", "seedbox:" + seedbox)).isEqualTo(1);
    t.assertBalanceIsSumOfEntries(account);
  }

  @Test
  void warnsOncePerCrossingOfTheThreshold() {
    String account = t.openAccount(2_500, 7);
    t.ledger().creditTopUp(account, account + "-p1", 5_000, "test");
    t.startSeedbox(account, 1_000);
    assertThat(t.ledger().account(account).orElseThrow().state()).isEqualTo(AccountStanding.ACTIVE);

    t.clock.advance(PERIOD);
    t.billing().runCycle(); // 3000
    t.clock.advance(PERIOD);
    t.billing().runCycle(); // 2000: crossed
    assertThat(t.ledger().account(account).orElseThrow().state()).isEqualTo(AccountStanding.LOW_BALANCE);
    t.clock.advance(PERIOD);
    t.billing().runCycle(); // 1000: still below, no second warning
    assertThat(t.auditCount("account.low-balance-warning", "billingaccount:" + account)).isEqualTo(1);

    t.ledger().creditTopUp(account, account + "-p2", 5_000, "test"); // 6000: back above
    assertThat(t.ledger().account(account).orElseThrow().state()).isEqualTo(AccountStanding.ACTIVE);
    for (int i = 0; i < 4; i++) {
      t.clock.advance(PERIOD);
      t.billing().runCycle(); // 5000, 4000, 3000, 2000: crossed again
    }
    assertThat(t.auditCount("account.low-balance-warning", "billingaccount:" + account)).isEqualTo(2);
    assertThat(t.ledger().balance(account)).isEqualTo(2_000);
  }

  @Test
  void billsOperatorHoldsButNeverTerminatedOrFailedSeedboxes() {
    String account = t.openAccount(0, 7);
    t.ledger().creditTopUp(account, account + "-p1", 10_000, "test");
    String held = t.startSeedbox(account, 1_000);
    String terminated = t.startSeedbox(account, 1_000);
    String failed = t.startSeedbox(account, 1_000);
    t.seedboxes().setOperatorHold(held, true, "abuse report", "alice@ops");
    t.seedboxes().recordPhase(held, Phase.SUSPENDED, "operator");
    t.seedboxes().recordPhase(terminated, Phase.TERMINATED, "operator");
    t.seedboxes().recordPhase(failed, Phase.FAILED, "operator");

    t.clock.advance(PERIOD);
    CycleReport report = t.billing().runCycle();

    assertThat(report.chargesPosted()).isEqualTo(1);
    assertThat(t.seedboxes().seedbox(held).orElseThrow().chargeCount()).isEqualTo(2);
    assertThat(t.seedboxes().seedbox(terminated).orElseThrow().chargeCount()).isEqualTo(1);
    assertThat(t.seedboxes().seedbox(failed).orElseThrow().chargeCount()).isEqualTo(1);
  }

  @Test
  void paysWhatItCanOldestDueFirstAndHoldsTheRest() {
    String account = t.openAccount(0, 3);
    t.ledger().creditTopUp(account, account + "-p1", 3_000, "test");
    String first = t.startSeedbox(account, 1_000);
    t.clock.advance(Duration.ofHours(1));
    String second = t.startSeedbox(account, 1_500);
    // balance 500: at the next due date the 1000 cannot be paid, nor the 1500
    t.ledger().creditTopUp(account, account + "-p2", 1_200, "test"); // 1700
    t.clock.advance(PERIOD);
    t.billing().runCycle();

    assertThat(t.seedboxes().seedbox(first).orElseThrow().chargeCount()).isEqualTo(2);
    assertThat(t.seedboxes().seedbox(second).orElseThrow().billingHold()).isTrue();
    assertThat(t.ledger().balance(account)).isEqualTo(700);
    assertThat(t.ledger().account(account).orElseThrow().state()).isEqualTo(AccountStanding.SUSPENDED);

    // the held seedbox is terminated after its grace period: the account is in good standing again
    t.seedboxes().recordPhase(second, Phase.TERMINATED, "operator");
    assertThat(t.ledger().account(account).orElseThrow().state()).isEqualTo(AccountStanding.ACTIVE);
    t.assertBalanceIsSumOfEntries(account);
  }

  @Test
  void refusesNewSeedboxesWhileSuspended() {
    String account = t.openAccount(0, 7);
    t.ledger().creditTopUp(account, account + "-p1", 1_000, "test");
    t.startSeedbox(account, 1_000);
    t.clock.advance(PERIOD);
    t.billing().runCycle();
    t.ledger().adjust(account, "goodwill", 200, "goodwill", "alice@ops");

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.startSeedbox(account, 100))
        .isInstanceOf(InsufficientCreditException.class)
        .hasMessageContaining("Suspended");
  }

  @Test
  void decideIsAPureFunctionOfAccountAndCandidates() {
    Instant now = Instant.parse("2026-03-01T00:00:00Z");
    var account = new Settlement.AccountRow("a", 1_000, AccountStanding.ACTIVE, 600, 2, false);
    var cheap = new Settlement.Billable("s2", "a", 300, 1, now.minusSeconds(10), false, null);
    var dear = new Settlement.Billable("s1", "a", 900, 4, now.minusSeconds(20), false, null);

    Settlement.Outcome o = Settlement.decide(account, java.util.List.of(cheap, dear), 0, now);

    assertThat(o.charges()).extracting(Settlement.ChargeLine::seedboxUid).containsExactly("s1");
    assertThat(o.charges().get(0).period()).isEqualTo(4);
    assertThat(o.newHolds()).extracting(Settlement.Hold::seedboxUid).containsExactly("s2");
    assertThat(o.newHolds().get(0).terminateAt()).isEqualTo(now.plus(Duration.ofDays(2)));
    assertThat(o.balanceCents()).isEqualTo(100);
    assertThat(o.state()).isEqualTo(AccountStanding.SUSPENDED);
    assertThat(o.warned()).isTrue();
  }
}

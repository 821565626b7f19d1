package dev.seedbox.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.ledger.testing.PostgresDatabase;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LedgerTest {

  @RegisterExtension
  static final PostgresDatabase DB = new PostgresDatabase();

  LedgerTestSupport t;

  @BeforeEach
  void setUp() {
    t = new LedgerTestSupport(DB, "2025-11-20T10:00:00Z");
  }

  @Test
  void topUpCreditsOnceAndReplaysTheOriginalEntry() {
    String account = t.openAccount(0, 7);
    Posting first = t.ledger().creditTopUp(account, "pay-1", 5_000, "billing-controller");
    Posting again = t.ledger().creditTopUp(account, "pay-1", 5_000, "payment-poller");

    assertThat(first.replayed()).isFalse();
    assertThat(again.replayed()).isTrue();
    assertThat(again.entry()).isEqualTo(first.entry());
    AccountSnapshot snapshot = t.ledger().account(account).orElseThrow();
    assertThat(snapshot.balanceCents()).isEqualTo(5_000);
    assertThat(snapshot.lastTopUpCents()).isEqualTo(5_000);
    assertThat(snapshot.lastTopUpAt()).isEqualTo(t.clock.instant());
    t.assertBalanceIsSumOfEntries(account);
  }

  @Test
  void rejectsAKeyReusedWithAnotherAmount() {
    String account = t.openAccount(0, 7);
    t.ledger().creditTopUp(account, "pay-2", 5_000, "billing-controller");

    assertThatThrownBy(() -> t.ledger().creditTopUp(account, "pay-2", 9_000, "billing-controller"))
        .isInstanceOf(IdempotencyConflictException.class)
        .hasMessageContaining("topup:pay-2");
    assertThat(t.ledger().balance(account)).isEqualTo(5_000);
  }

  @Test
  void rejectsTheSamePaymentCreditedToAnotherAccount() {
    String a = t.openAccount(0, 7);
    String b = t.openAccount(0, 7);
    t.ledger().creditTopUp(a, "pay-3", 1_000, "billing-controller");

    assertThatThrownBy(() -> t.ledger().creditTopUp(b, "pay-3", 1_000, "billing-controller"))
        .isInstanceOf(IdempotencyConflictException.class);
    assertThat(t.ledger().balance(b)).isZero();
  }

  @Test
  void startProvisioningWritesTheRowAndChargeZeroOnceAcrossReruns() {
    String account = t.openAccount(0, 7);
    t.ledger().creditTopUp(account, "pay-4", 2_000, "billing-controller");
    SeedboxOrder order = new SeedboxOrder("sb-uid-1", account, "customers", "box", "small", 1_200,
        Phase.PROVISIONING);

    Posting first = t.ledger().startProvisioning(order, "operator");
    Posting rerun = t.ledger().startProvisioning(order, "operator");

    assertThat(first.replayed()).isFalse();
    assertThat(first.entry().idempotencyKey()).isEqualTo("charge:sb-uid-1:0");
    assertThat(first.entry().amountCents()).isEqualTo(-1_200);
    assertThat(rerun.replayed()).isTrue();
    assertThat(rerun.entry().id()).isEqualTo(first.entry().id());
    assertThat(t.ledger().balance(account)).isEqualTo(800);
    SeedboxRecord row = t.seedboxes().seedbox("sb-uid-1").orElseThrow();
    assertThat(row.paidThrough()).isEqualTo(t.clock.instant().plus(Duration.ofDays(30)));
    assertThat(row.chargeCount()).isEqualTo(1);
    assertThat(row.phase()).isEqualTo(Phase.PROVISIONING);
    t.assertBalanceIsSumOfEntries(account);
  }

  @Test
  void refusesToProvisionWithoutCreditAndWritesNothing() {
    String account = t.openAccount(0, 7);
    t.ledger().creditTopUp(account, "pay-5", 500, "billing-controller");

    assertThatThrownBy(() -> t.ledger().startProvisioning(new SeedboxOrder("sb-poor", account, "customers", "box",
        "small", 1_200, Phase.PROVISIONING), "operator"))
        .isInstanceOf(InsufficientCreditException.class)
        .hasMessageContaining("needs 1200 cents, balance is 500 cents");
    assertThat(t.seedboxes().seedbox("sb-poor")).isEmpty();
    assertThat(t.ledger().balance(account)).isEqualTo(500);
  }

  @Test
  void refundsChargeZeroOnceWhenProvisioningFails() {
    String account = t.openAccount(0, 7);
    t.ledger().creditTopUp(account, "pay-6", 2_000, "billing-controller");
    String seedbox = t.startSeedbox(account, 1_500);

    Posting refund = t.ledger().refundCharge(seedbox, 0, "provisioning failed", "operator");
    Posting again = t.ledger().refundCharge(seedbox, 0, "provisioning failed", "operator");

    assertThat(refund.entry().idempotencyKey()).isEqualTo("refund:charge:" + seedbox + ":0");
    assertThat(refund.entry().amountCents()).isEqualTo(1_500);
    assertThat(again.replayed()).isTrue();
    assertThat(t.ledger().balance(account)).isEqualTo(2_000);
    t.assertBalanceIsSumOfEntries(account);
  }

  @Test
  void chargesEvery30DaysAcrossMonthAndYearBoundaries() {
    String account = t.openAccount(0, 7);
    t.ledger().creditTopUp(account, "pay-7", 10_000, "billing-controller");
    t.clock.set(Instant.parse("2025-12-15T12:00:00Z"));
    String seedbox = t.startSeedbox(account, 1_000);
    assertThat(t.seedboxes().seedbox(seedbox).orElseThrow().paidThrough())
        .isEqualTo(Instant.parse("2026-01-14T12:00:00Z"));

    t.clock.set(Instant.parse("2026-01-14T11:59:59Z"));
    assertThat(t.billing().runCycle().chargesPosted()).as("not yet due").isZero();

    t.clock.set(Instant.parse("2026-01-14T12:00:00Z"));
    assertThat(t.billing().runCycle().chargesPosted()).isEqualTo(1);
    assertThat(t.seedboxes().seedbox(seedbox).orElseThrow().paidThrough())
        .isEqualTo(Instant.parse("2026-02-13T12:00:00Z"));

    // February is short; the period is 30 days regardless of calendar months
    t.clock.set(Instant.parse("2026-02-13T12:30:00Z"));
    assertThat(t.billing().runCycle().chargesPosted()).isEqualTo(1);
    assertThat(t.billing().runCycle().chargesPosted()).as("rerun of the same period").isZero();
    SeedboxRecord row = t.seedboxes().seedbox(seedbox).orElseThrow();
    assertThat(row.paidThrough()).isEqualTo(Instant.parse("2026-03-15T12:30:00Z"));
    assertThat(row.chargeCount()).isEqualTo(3);
    assertThat(t.ledger().entry("charge:" + seedbox + ":2")).isPresent();
    assertThat(t.ledger().balance(account)).isEqualTo(7_000);
    t.assertBalanceIsSumOfEntries(account);
  }

  @Test
  void manualAdjustmentNeedsAReasonAndIsAudited() {
    String account = t.openAccount(0, 7);
    t.ledger().creditTopUp(account, "pay-8", 1_000, "billing-controller");

    Posting credit = t.ledger().adjust(account, "dispute-42", 250, "goodwill for outage", "alice@ops");
    assertThatThrownBy(() -> t.ledger().adjust(account, "dispute-43", -5_000, "forfeit", "alice@ops"))
        .isInstanceOf(InsufficientCreditException.class);
    assertThatThrownBy(() -> t.ledger().adjust(account, "dispute-44", 100, " ", "alice@ops"))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(credit.entry().reason()).isEqualTo("goodwill for outage");
    assertThat(credit.entry().actor()).isEqualTo("alice@ops");
    assertThat(t.ledger().balance(account)).isEqualTo(1_250);
    var events = t.module.audit().recent("billingaccount:" + account, 10);
    assertThat(events).anySatisfy(e -> {
      assertThat(e.action()).isEqualTo("ledger.adjustment");
      assertThat(e.actor()).isEqualTo("alice@ops");
      assertThat(e.detailJson()).contains("goodwill for outage").contains("250");
    });
  }

  @Test
  void snapshotReportsBurnAndRunway() {
    String account = t.openAccount(0, 7);
    t.ledger().creditTopUp(account, "pay-9", 10_000, "billing-controller");
    t.startSeedbox(account, 1_000);
    String failed = t.startSeedbox(account, 2_000);
    t.seedboxes().recordPhase(failed, Phase.FAILED, "operator");

    AccountSnapshot s = t.ledger().account(account).orElseThrow();
    assertThat(s.balanceCents()).isEqualTo(7_000);
    assertThat(s.monthlyBurnCents()).as("failed seedboxes do not burn").isEqualTo(1_000);
    assertThat(s.runwayDays()).isEqualTo(210);
    assertThat(s.state()).isEqualTo(AccountStanding.ACTIVE);
  }

  @Test
  void openAccountIsIdempotentAndCopiesSpecChanges() {
    AccountSpec spec = new AccountSpec("ba-1", "ns", "acct", "o@example.com", "USD", 100, 3);
    AccountSnapshot first = t.ledger().openAccount(spec, "operator");
    AccountSnapshot same = t.ledger().openAccount(spec, "operator");
    AccountSnapshot changed = t.ledger().openAccount(new AccountSpec("ba-1", "ns", "acct", "o@example.com", "USD",
        900, 10), "operator");

    assertThat(same.version()).isEqualTo(first.version());
    assertThat(changed.lowBalanceThresholdCents()).isEqualTo(900);
    assertThat(changed.gracePeriodDays()).isEqualTo(10);
    assertThat(changed.version()).isGreaterThan(first.version());
    assertThat(t.auditCount("account.opened", "billingaccount:ba-1")).isEqualTo(1);
  }
}

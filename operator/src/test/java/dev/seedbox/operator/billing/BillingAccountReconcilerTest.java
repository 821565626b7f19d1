package dev.seedbox.operator.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.status.Condition;
import dev.seedbox.api.status.ConditionStatus;
import dev.seedbox.api.v1alpha1.AccountState;
import dev.seedbox.api.v1alpha1.BillingAccount;
import dev.seedbox.api.v1alpha1.BillingAccountSpec;
import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.api.v1alpha1.SeedboxSpec;
import dev.seedbox.ledger.AccountSnapshot;
import dev.seedbox.ledger.SeedboxOrder;
import dev.seedbox.ledger.audit.AuditEvent;
import dev.seedbox.operator.harness.AccountsOperatorFixture;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** BillingAccounts against the real ledger: the status is a projection, the finalizer guards money. */
class BillingAccountReconcilerTest {

  @RegisterExtension
  static final AccountsOperatorFixture harness = new AccountsOperatorFixture(false);

  private static final String NS = "customer-b";

  @Test
  void opensTheAccountAndMirrorsTopUpsAndSuspensionFromTheLedger() {
    BillingAccount created = harness.create(account("alice", 1000L, 3));
    String uid = created.getMetadata().getUid();

    BillingAccount opened = awaitAccount("alice", ba -> ba.getStatus().getState() != null);
    assertThat(opened.getStatus().getBalanceCents()).isZero();
    assertThat(opened.getStatus().getState()).as("a new account with a threshold starts below it")
        .isEqualTo(AccountState.LOW_BALANCE);
    assertThat(opened.getStatus().getObservedGeneration()).isEqualTo(created.getMetadata().getGeneration());
    AccountSnapshot row = harness.ledger().ledger().account(uid).orElseThrow();
    assertThat(row.namespace()).isEqualTo(NS);
    assertThat(row.name()).isEqualTo("alice");
    assertThat(row.lowBalanceThresholdCents()).isEqualTo(1000);
    assertThat(row.gracePeriodDays()).isEqualTo(3);

    harness.ledger().ledger().creditTopUp(uid, "payment-alice-1", 1500, "test:gateway");
    BillingAccount toppedUp = awaitAccount("alice", ba -> Long.valueOf(1500).equals(ba.getStatus().getBalanceCents()));
    assertThat(toppedUp.getStatus().getState()).isEqualTo(AccountState.ACTIVE);
    assertThat(toppedUp.getStatus().getLastTopUpCents()).isEqualTo(1500);
    assertThat(toppedUp.getStatus().getLastTopUpAt()).isEqualTo(harness.now().toString());
    assertThat(ready(toppedUp).getStatus()).isEqualTo(ConditionStatus.TRUE);
    assertThat(ready(toppedUp).getReason()).isEqualTo("Active");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(harness.eventsFor(NS, "alice"))
        .extracting(Event::getReason).as("the first funding is no return from a suspension")
        .contains("Funded").doesNotContain("ActiveAgain"));

    // one seedbox at 1500 a period: the first period takes the whole balance, the second cannot be paid
    harness.ledger().ledger().startProvisioning(new SeedboxOrder("sb-uid-alice-1", uid, NS, "box-1", "starter", 1500,
        Phase.PROVISIONING), "test:operator");
    BillingAccount spent = awaitAccount("alice", ba -> Long.valueOf(0).equals(ba.getStatus().getBalanceCents()));
    assertThat(spent.getStatus().getMonthlyBurnCents()).isEqualTo(1500);
    assertThat(spent.getStatus().getState()).isEqualTo(AccountState.LOW_BALANCE);

    harness.clock().advance(Duration.ofDays(31));
    harness.ledger().billing().runCycle();
    BillingAccount suspended = awaitAccount("alice", ba -> ba.getStatus().getState() == AccountState.SUSPENDED);
    assertThat(ready(suspended).getStatus()).isEqualTo(ConditionStatus.FALSE);
    assertThat(ready(suspended).getReason()).isEqualTo("Suspended");
    assertThat(suspended.getStatus().getRunwayDays()).isZero();

    harness.ledger().ledger().creditTopUp(uid, "payment-alice-2", 5000, "test:gateway");
    BillingAccount resumed = awaitAccount("alice", ba -> ba.getStatus().getState() == AccountState.ACTIVE);
    assertThat(resumed.getStatus().getBalanceCents()).as("the due period was settled from the top-up")
        .isEqualTo(3500);

    assertThat(auditActions(uid)).contains("account.opened");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(harness.eventsFor(NS, "alice"))
        .extracting(Event::getReason)
        .contains("ActiveAgain", "LowBalance", "Suspended"));
    assertThat(harness.eventsFor(NS, "alice")).filteredOn(e -> e.getReason().equals("Suspended"))
        .allSatisfy(e -> assertThat(e.getType()).isEqualTo("Warning"));
  }

  @Test
  void thresholdAndGracePeriodEditsReachTheLedgerRow() {
    BillingAccount created = harness.create(account("bob", null, null));
    String uid = created.getMetadata().getUid();
    awaitAccount("bob", ba -> ba.getStatus().getState() == AccountState.ACTIVE);
    assertThat(harness.ledger().ledger().account(uid).orElseThrow().gracePeriodDays()).isEqualTo(7);

    harness.client().resources(BillingAccount.class).inNamespace(NS).withName("bob").edit(ba -> {
      ba.getSpec().setLowBalanceThresholdCents(2500L);
      ba.getSpec().setGracePeriodDays(14);
      return ba;
    });

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      AccountSnapshot row = harness.ledger().ledger().account(uid).orElseThrow();
      assertThat(row.lowBalanceThresholdCents()).isEqualTo(2500);
      assertThat(row.gracePeriodDays()).isEqualTo(14);
    });
    BillingAccount low = awaitAccount("bob", ba -> ba.getStatus().getState() == AccountState.LOW_BALANCE);
    assertThat(low.getStatus().getObservedGeneration()).isEqualTo(low.getMetadata().getGeneration());
    assertThat(auditActions(uid)).contains("account.opened", "account.updated");
  }

  @Test
  void otherCurrenciesAreRefusedWithAConditionAndNothingIsOpened() {
    BillingAccount resource = account("carol", null, null);
    resource.getSpec().setCurrency("EUR");
    String uid = harness.create(resource).getMetadata().getUid();

    BillingAccount refused = awaitAccount("carol", ba -> ba.getStatus().findCondition("Ready").isPresent());
    assertThat(ready(refused).getStatus()).isEqualTo(ConditionStatus.FALSE);
    assertThat(ready(refused).getReason()).isEqualTo("UnsupportedCurrency");
    assertThat(ready(refused).getMessage()).contains("USD", "EUR");
    assertThat(harness.ledger().ledger().account(uid)).isEmpty();
    assertThat(harness.eventsFor(NS, "carol")).extracting(Event::getReason).contains("UnsupportedCurrency");
  }

  @Test
  void deletionWaitsForSeedboxesAndForCreditToBeRefundedOrForfeited() {
    String uid = harness.create(account("dave", null, null)).getMetadata().getUid();
    awaitAccount("dave", ba -> ba.getStatus().getState() == AccountState.ACTIVE);
    harness.ledger().ledger().creditTopUp(uid, "payment-dave-1", 2000, "test:gateway");
    awaitAccount("dave", ba -> Long.valueOf(2000).equals(ba.getStatus().getBalanceCents()));
    harness.create(seedbox("daves-box", "dave"));

    harness.client().resources(BillingAccount.class).inNamespace(NS).withName("dave").delete();

    BillingAccount heldBySeedbox = awaitAccount("dave", ba -> ba.getStatus().findCondition("DeletionBlocked")
        .map(c -> c.getReason().equals("SeedboxesRemain")).orElse(false));
    assertThat(heldBySeedbox.getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(heldBySeedbox.getStatus().findCondition("DeletionBlocked").orElseThrow().getMessage())
        .contains("daves-box");

    harness.client().resources(Seedbox.class).inNamespace(NS).withName("daves-box").delete();
    BillingAccount heldByCredit = awaitAccount("dave", ba -> ba.getStatus().findCondition("DeletionBlocked")
        .map(c -> c.getReason().equals("CreditRemains")).orElse(false));
    Condition blocked = heldByCredit.getStatus().findCondition("DeletionBlocked").orElseThrow();
    assertThat(blocked.getStatus()).isEqualTo(ConditionStatus.TRUE);
    assertThat(blocked.getMessage()).contains("2000 cents");
    // held, not forgotten: it stays while the money is there
    pollBriefly().during(Duration.ofSeconds(2)).until(() -> fetch("dave") != null);

    harness.ledger().ledger().adjust(uid, "refund-dave", -2000, "refunded to the customer's wallet, tx 0xabc",
        "ops:alice@example.com");

    await().atMost(Duration.ofSeconds(10)).until(() -> fetch("dave") == null);
    List<AuditEvent> audit = harness.ledger().audit().recent("billingaccount:" + uid, 50);
    assertThat(audit).extracting(AuditEvent::action)
        .contains("account.deletion-blocked", "ledger.adjustment", "account.closed");
    assertThat(audit).filteredOn(e -> e.action().equals("ledger.adjustment"))
        .singleElement().satisfies(e -> assertThat(e.actor()).isEqualTo("ops:alice@example.com"));
    assertThat(audit).filteredOn(e -> e.action().equals("account.deletion-blocked"))
        .extracting(AuditEvent::detailJson)
        .anySatisfy(d -> assertThat(d).contains("SeedboxesRemain"))
        .anySatisfy(d -> assertThat(d).contains("CreditRemains"));
    assertThat(harness.eventsFor(NS, "dave")).extracting(Event::getReason)
        .contains("DeletionBlocked", "AccountClosed");
  }

  @Test
  void anEmptyAccountWithoutSeedboxesIsDeletedAtOnce() {
    String uid = harness.create(account("erin", null, null)).getMetadata().getUid();
    awaitAccount("erin", ba -> ba.getStatus().getState() == AccountState.ACTIVE);
    assertThat(fetch("erin").getMetadata().getFinalizers()).isNotEmpty();

    harness.client().resources(BillingAccount.class).inNamespace(NS).withName("erin").delete();

    await().atMost(Duration.ofSeconds(10)).until(() -> fetch("erin") == null);
    assertThat(auditActions(uid)).contains("account.closed").doesNotContain("account.deletion-blocked");
  }

  private static ConditionFactory pollBriefly() {
    return await().pollInterval(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5));
  }

  private static List<String> auditActions(String uid) {
    return harness.ledger().audit().recent("billingaccount:" + uid, 50).stream().map(AuditEvent::action).toList();
  }

  private static Condition ready(BillingAccount ba) {
    return ba.getStatus().findCondition("Ready").orElseThrow();
  }

  private static BillingAccount awaitAccount(String name, Predicate<BillingAccount> done) {
    return await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
        .until(() -> fetch(name), ba -> ba != null && ba.getStatus() != null && done.test(ba));
  }

  private static BillingAccount fetch(String name) {
    return harness.client().resources(BillingAccount.class).inNamespace(NS).withName(name).get();
  }

  private static BillingAccount account(String name, Long threshold, Integer grace) {
    BillingAccountSpec spec = new BillingAccountSpec();
    spec.setOwner(name + "@example.com");
    spec.setLowBalanceThresholdCents(threshold);
    spec.setGracePeriodDays(grace);
    BillingAccount resource = new BillingAccount();
    resource.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName(name).build());
    resource.setSpec(spec);
    // as kubectl sends it: the status belongs to the operator (the CR class starts with an empty one)
    resource.setStatus(null);
    return resource;
  }

  private static Seedbox seedbox(String name, String accountRef) {
    SeedboxSpec spec = new SeedboxSpec();
    spec.setAccountRef(accountRef);
    // Only the reference matters here. A plan the catalog lacks keeps the Seedbox Pending (nothing charged, no
    // server), and deleting a Pending Seedbox cancels it straight away.
    spec.setPlan("not-in-the-catalog");
    spec.setProvider(ProviderKind.INMEMORY);
    spec.setRegion("local");
    Seedbox resource = new Seedbox();
    resource.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName(name).build());
    resource.setSpec(spec);
    return resource;
  }
}

package dev.seedbox.operator.seedbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.status.Condition;
import dev.seedbox.api.status.ConditionStatus;
import dev.seedbox.api.v1alpha1.BillingAccount;
import dev.seedbox.api.v1alpha1.BillingAccountSpec;
import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.api.v1alpha1.SeedboxSpec;
import dev.seedbox.api.v1alpha1.SeedboxStatus;
import dev.seedbox.ledger.AccountSpec;
import dev.seedbox.ledger.LedgerModule;
import dev.seedbox.ledger.SeedboxRecord;
import dev.seedbox.ledger.audit.AuditEvent;
import dev.seedbox.ledger.testing.MutableClock;
import dev.seedbox.operator.harness.OperatorFixture;
import dev.seedbox.provisioning.CreateRequest;
import dev.seedbox.provisioning.ServerInfo;
import dev.seedbox.provisioning.ServerRef;
import dev.seedbox.provisioning.cloudinit.QbittorrentPassword;
import dev.seedbox.provisioning.inmemory.InMemoryProvider;
import dev.seedbox.api.v1alpha1.TorrentClient;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Seedbox controller end to end: the operator in-process on the mock API (CRUD mode, CRDs from crds/), a real
 * PostgreSQL ledger and the in-memory provider. Each test works in its own namespace with its own BillingAccount,
 * whose ledger account the test opens itself (the BillingAccount reconciler is not part of this suite).
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class SeedboxLifecycleTest {

  static final MutableClock CLOCK = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

  @RegisterExtension
  static final OperatorFixture harness = new OperatorFixture(CLOCK, OperatorFixture.testProviderOptions(),
      OperatorFixture.TEST_TIMING);

  private static final AtomicInteger NAMESPACES = new AtomicInteger();
  private static final long STARTER = 1500;

  // ---- order to termination, payment ------------------------------------------------------------------------

  @Test
  void anOrderWaitsForVerifiedCreditThenProvisionsRunsAndTerminatesOnDeletion() {
    String ns = namespace();
    String accountUid = account(ns, "acme", 0, 7);
    long before = provider().serversCreated();
    Seedbox created = create(seedbox(ns, "box", "acme", "local"));
    String uid = created.getMetadata().getUid();

    Seedbox waiting = awaitSeedbox(ns, "box", sb -> hasCondition(sb, SeedboxStatus.PAID, "AwaitingPayment"));
    assertThat(waiting.getStatus().getPhase()).isEqualTo(Phase.PENDING);
    assertThat(waiting.getStatus().getObservedGeneration()).isEqualTo(created.getMetadata().getGeneration());
    assertThat(condition(waiting, SeedboxStatus.READY).getStatus()).isEqualTo(ConditionStatus.FALSE);
    assertThat(ledger().seedboxes().seedbox(uid)).as("nothing recorded or charged before payment").isEmpty();
    assertThat(provider().serversCreated()).isEqualTo(before);
    awaitEvent(ns, "box", "AwaitingPayment");

    // the top-up reaches the operator through LISTEN/NOTIFY: well before any periodic resync (1 min here)
    ledger().ledger().creditTopUp(accountUid, "pay-" + ns, STARTER, "test");
    Seedbox active = awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(15));
    assertThat(active.getStatus().getEndpoint().getAddress()).isNotBlank();
    assertThat(active.getStatus().getEndpoint().getWebUiUrl()).startsWith("http://");
    assertThat(active.getStatus().getProviderRef()).startsWith("inmemory:");
    assertThat(active.getStatus().getPaidThrough()).isNotNull();
    assertThat(condition(active, SeedboxStatus.READY).getStatus()).isEqualTo(ConditionStatus.TRUE);
    assertThat(condition(active, SeedboxStatus.PAID).getStatus()).isEqualTo(ConditionStatus.TRUE);
    assertThat(condition(active, SeedboxStatus.PROVISIONED).getStatus()).isEqualTo(ConditionStatus.TRUE);
    assertThat(provider().serversCreated()).isEqualTo(before + 1);
    assertThat(ledger().ledger().balance(accountUid)).isZero();
    assertThat(ledger().seedboxes().seedbox(uid)).get().extracting(SeedboxRecord::phase).isEqualTo(Phase.ACTIVE);

    Secret secret = harness.client().secrets().inNamespace(ns).withName("box-webui").get();
    assertThat(active.getStatus().getCredentialsSecretRef()).isEqualTo("box-webui");
    assertThat(secret.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(ref -> assertThat(ref.getUid()).isEqualTo(uid));
    String password = decode(secret, "password");
    assertThat(password).hasSizeGreaterThanOrEqualTo(20);
    assertThat(auditDetails(uid)).as("the password is nowhere in the audit trail").noneMatch(d -> d.contains(password));

    assertThat(transitions(uid)).containsSubsequence("Pending->Provisioning", "Provisioning->Active");
    assertThat(auditActions(uid)).contains("seedbox.provisioning-charged", "seedbox.provider-ref-recorded");
    awaitEvent(ns, "box", "FirstPeriodCharged");
    awaitEvent(ns, "box", "ServerCreated");
    awaitEvent(ns, "box", "ServerRunning");

    ServerRef ref = ServerRef.parse(active.getStatus().getProviderRef());
    delete(ns, "box");
    awaitGone(ns, "box");
    assertThat(provider().status(ref)).as("the server is released").isEmpty();
    assertThat(transitions(uid)).containsSubsequence("Provisioning->Active", "Active->Terminating",
        "Terminating->Terminated");
    assertThat(auditActions(uid)).contains("seedbox.server-released");
    assertThat(ledger().seedboxes().seedbox(uid)).get().extracting(SeedboxRecord::phase).isEqualTo(Phase.TERMINATED);
    assertThat(eventReasons(ns, "box")).contains("Deleted", "ServerReleased");
  }

  @Test
  void anAccountThatRunsDrySuspendsItsSeedboxesAndATopUpResumesThem() {
    String ns = namespace();
    String accountUid = account(ns, "acme", 2 * STARTER, 7);
    String a = create(seedbox(ns, "one", "acme", "local")).getMetadata().getUid();
    String b = create(seedbox(ns, "two", "acme", "local")).getMetadata().getUid();
    awaitPhase(ns, "one", Phase.ACTIVE, Duration.ofSeconds(15));
    Seedbox two = awaitPhase(ns, "two", Phase.ACTIVE, Duration.ofSeconds(15));

    CLOCK.advance(Duration.ofDays(31));
    ledger().billing().runCycle();

    Seedbox suspended = awaitPhase(ns, "two", Phase.SUSPENDED, Duration.ofSeconds(15));
    awaitPhase(ns, "one", Phase.SUSPENDED, Duration.ofSeconds(15));
    assertThat(condition(suspended, SeedboxStatus.PAID).getReason()).isEqualTo("BillingHold");
    assertThat(condition(suspended, SeedboxStatus.READY).getReason()).isEqualTo("BillingHold");
    ServerRef ref = ServerRef.parse(two.getStatus().getProviderRef());
    assertThat(provider().status(ref)).get().extracting(ServerInfo::providerStatus).isEqualTo("off");
    awaitEvent(ns, "two", "BillingHold");

    ledger().ledger().creditTopUp(accountUid, "pay-" + ns, 2 * STARTER, "test");
    awaitPhase(ns, "one", Phase.ACTIVE, Duration.ofSeconds(15));
    Seedbox resumed = awaitPhase(ns, "two", Phase.ACTIVE, Duration.ofSeconds(15));
    assertThat(condition(resumed, SeedboxStatus.PAID).getStatus()).isEqualTo(ConditionStatus.TRUE);
    assertThat(provider().status(ref)).get().extracting(ServerInfo::providerStatus).isEqualTo("active");
    for (String uid : List.of(a, b)) {
      assertThat(transitions(uid)).containsSubsequence("Provisioning->Active", "Active->Suspended",
          "Suspended->Active");
    }
    awaitEvent(ns, "two", "HoldsLifted");
  }

  @Test
  void anOperatorHoldIsNotLiftedByATopUp() {
    String ns = namespace();
    String accountUid = account(ns, "acme", STARTER, 7);
    String uid = create(seedbox(ns, "box", "acme", "local")).getMetadata().getUid();
    awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(15));

    edit(ns, "box", sb -> {
      sb.getSpec().setSuspend(true);
      sb.getSpec().setSuspendReason("abuse report 42");
      return sb;
    });
    Seedbox held = awaitPhase(ns, "box", Phase.SUSPENDED, Duration.ofSeconds(15));
    assertThat(condition(held, SeedboxStatus.READY).getReason()).isEqualTo("OperatorHold");
    assertThat(condition(held, SeedboxStatus.PAID).getStatus()).as("an operator hold is still billed")
        .isEqualTo(ConditionStatus.TRUE);
    assertThat(ledger().seedboxes().seedbox(uid)).get().satisfies(row -> {
      assertThat(row.operatorHold()).isTrue();
      assertThat(row.operatorHoldReason()).isEqualTo("abuse report 42");
    });

    ledger().ledger().creditTopUp(accountUid, "pay-" + ns, 5000, "test");
    assertStays(ns, "box", sb -> sb.getStatus().getPhase() == Phase.SUSPENDED, Duration.ofSeconds(2));

    edit(ns, "box", sb -> {
      sb.getSpec().setSuspend(false);
      return sb;
    });
    awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(15));
    assertThat(ledger().seedboxes().seedbox(uid)).get().extracting(SeedboxRecord::operatorHold).isEqualTo(false);
    assertThat(auditActions(uid)).contains("seedbox.operator-hold-set", "seedbox.operator-hold-released");
    assertThat(transitions(uid)).containsSubsequence("Active->Suspended", "Suspended->Active");
    awaitEvent(ns, "box", "OperatorHold");

    // deleting a suspended seedbox
    edit(ns, "box", sb -> {
      sb.getSpec().setSuspend(true);
      return sb;
    });
    awaitPhase(ns, "box", Phase.SUSPENDED, Duration.ofSeconds(15));
    delete(ns, "box");
    awaitGone(ns, "box");
    assertThat(transitions(uid)).contains("Suspended->Terminating", "Terminating->Terminated");
  }

  @Test
  void aPendingSeedboxIsCancelledOnDeletionWithoutACharge() {
    String ns = namespace();
    String accountUid = account(ns, "acme", 0, 7);
    String uid = create(seedbox(ns, "box", "acme", "local")).getMetadata().getUid();
    awaitSeedbox(ns, "box", sb -> hasCondition(sb, SeedboxStatus.PAID, "AwaitingPayment"));
    delete(ns, "box");
    awaitGone(ns, "box");
    assertThat(transitions(uid)).containsExactly("Pending->Terminated");
    assertThat(ledger().seedboxes().seedbox(uid)).isEmpty();
    assertThat(ledger().ledger().history(accountUid, 10)).isEmpty();
    assertThat(eventReasons(ns, "box")).contains("Cancelled");
  }

  @Test
  void deletionDuringProvisioningFailsTheStepRefundsAndTerminates() {
    String ns = namespace();
    String accountUid = account(ns, "acme", STARTER, 7);
    provider().failNextCalls(1_000);
    String uid;
    try {
      uid = create(seedbox(ns, "box", "acme", "local")).getMetadata().getUid();
      Seedbox stuck = awaitSeedbox(ns, "box", sb -> sb.getStatus() != null
          && sb.getStatus().getPhase() == Phase.PROVISIONING && hasCondition(sb, SeedboxStatus.READY, "ProviderError"));
      assertThat(stuck.getStatus().getMessage()).contains("503");
      assertThat(ledger().ledger().balance(accountUid)).isZero();
    } finally {
      provider().failNextCalls(0);
    }
    delete(ns, "box");
    awaitGone(ns, "box");
    assertThat(transitions(uid)).containsSubsequence("Pending->Provisioning", "Provisioning->Failed",
        "Failed->Terminating", "Terminating->Terminated");
    assertThat(ledger().ledger().balance(accountUid)).as("charge 0 refunded").isEqualTo(STARTER);
    assertThat(auditActions(uid)).contains("ledger.refund");
    assertThat(provider().listManaged()).noneMatch(s -> s.seedboxUid().equals(uid));
    assertThat(eventReasons(ns, "box")).contains("ProviderError", "Deleted");
  }

  // ---- provider trouble ---------------------------------------------------------------------------------------

  @Test
  void rateLimitsAndServerErrorsAreRetriedWithoutASecondServer() {
    String ns = namespace();
    account(ns, "acme", 2 * STARTER, 7);
    double errorsBefore = providerErrors();
    long before = provider().serversCreated();

    provider().rateLimitNextCalls(2, Duration.ofMillis(300));
    create(seedbox(ns, "limited", "acme", "local"));
    awaitPhase(ns, "limited", Phase.ACTIVE, Duration.ofSeconds(20));

    provider().failNextCalls(2);
    create(seedbox(ns, "erring", "acme", "local"));
    awaitPhase(ns, "erring", Phase.ACTIVE, Duration.ofSeconds(60));

    assertThat(provider().serversCreated()).isEqualTo(before + 2);
    assertThat(providerErrors()).isGreaterThanOrEqualTo(errorsBefore + 4);
  }

  @Test
  void aCreateRetriedAfterAProviderErrorSendsTheHashStoredBesideThePassword() {
    String ns = namespace();
    account(ns, "acme", STARTER, 7);
    provider().failNextCalls(1_000);
    String uid;
    try {
      uid = create(seedbox(ns, "box", "acme", "local")).getMetadata().getUid();
      awaitSeedbox(ns, "box", sb -> hasCondition(sb, SeedboxStatus.READY, "ProviderError"));
      assertThat(harness.recorder().creates(uid)).as("the failed attempt reached the provider").isNotEmpty();
    } finally {
      provider().failNextCalls(0);
    }
    Seedbox active = awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(20));

    Secret secret = secret(ns, "box-webui");
    String password = decode(secret, "password");
    String hash = decode(secret, "password-pbkdf2");
    assertThat(hash).isEqualTo(qbittorrentHash(password, hash));
    List<CreateRequest> creates = harness.recorder().creates(uid);
    assertThat(creates).as("a failed attempt and the one that worked").hasSizeGreaterThanOrEqualTo(2);
    assertThat(creates).extracting(CreateRequest::userData).as("every attempt carries the same stored hash")
        .containsOnly(creates.get(0).userData())
        .allMatch(userData -> userData.contains("WebUI\\Password_PBKDF2=\"" + hash + "\""));

    String keyPart = hash.substring(hash.indexOf(':') + 1, hash.length() - 1);
    assertThat(auditDetails(uid)).noneMatch(d -> d.contains(keyPart) || d.contains(password));
    assertThat(Serialization.asJson(active.getStatus())).doesNotContain(keyPart).doesNotContain(password);
    assertThat(harness.client().v1().events().inNamespace(ns).list().getItems()).extracting(Event::getMessage)
        .noneMatch(m -> m.contains(keyPart) || m.contains(password));
  }

  @Test
  void aSecretMadeAheadWithoutAHashGetsOneAndTheServerCarriesExactlyIt() {
    String ns = namespace();
    account(ns, "acme", STARTER, 7);
    String password = "made-ahead-by-someone-else-42";
    harness.client().secrets().inNamespace(ns).resource(new SecretBuilder()
        .withNewMetadata().withName("box-webui").withNamespace(ns).endMetadata()
        .withType("Opaque")
        .withData(java.util.Map.of("username", encode("seedbox"), "password", encode(password)))
        .build()).create();
    String uid = create(seedbox(ns, "box", "acme", "local")).getMetadata().getUid();
    awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(15));

    Secret secret = secret(ns, "box-webui");
    assertThat(decode(secret, "password")).as("the password made ahead is kept").isEqualTo(password);
    String hash = decode(secret, "password-pbkdf2");
    assertThat(hash).isEqualTo(qbittorrentHash(password, hash));
    assertThat(harness.recorder().creates(uid)).singleElement().extracting(CreateRequest::userData)
        .satisfies(userData -> assertThat(userData).contains("WebUI\\Password_PBKDF2=\"" + hash + "\""));
  }

  @Test
  void aRefusedProviderTokenIsRetriedAndNeverFailsOrRefundsTheOrder() {
    String ns = namespace();
    String accountUid = account(ns, "acme", STARTER, 7);
    long charged;
    String uid;
    provider().rejectToken(true);
    try {
      uid = create(seedbox(ns, "box", "acme", "local")).getMetadata().getUid();
      awaitSeedbox(ns, "box", sb -> hasCondition(sb, SeedboxStatus.READY, "ProviderError")
          && condition(sb, SeedboxStatus.READY).getMessage().contains("provider token"));
      charged = ledger().ledger().balance(accountUid);
      assertStays(ns, "box", sb -> sb.getStatus().getPhase() == Phase.PROVISIONING, Duration.ofSeconds(2));
      assertThat(auditActions(uid)).doesNotContain("ledger.refund");
      assertThat(unauthorizedCalls()).isPositive();
    } finally {
      provider().rejectToken(false);
    }
    awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(30));
    assertThat(ledger().ledger().balance(accountUid)).as("charged once, never refunded").isEqualTo(charged);
    assertThat(harness.recorder().creates(uid)).last().extracting(CreateRequest::volumeGb)
        .as("the plan's storage is a volume at this provider").isEqualTo(1000L);
    assertThat(provider().listManagedVolumes()).filteredOn(v -> v.seedboxUid().equals(uid)).singleElement()
        .satisfies(v -> assertThat(v.sizeGb()).isEqualTo(1000));
  }

  static double unauthorizedCalls() {
    return harness.wiring().registry().find("seedbox.provider.errors").tag("outcome", "unauthorized").counters()
        .stream().mapToDouble(c -> c.count()).sum();
  }

  @Test
  void aPermanentProviderErrorFailsTheSeedboxWithTheProvidersMessageAndRefunds() {
    String ns = namespace();
    String accountUid = account(ns, "acme", 2500, 7);
    Seedbox sb = seedbox(ns, "far", "acme", "far");
    sb.getSpec().setPlan("plus");
    String uid = create(sb).getMetadata().getUid();

    Seedbox failed = awaitPhase(ns, "far", Phase.FAILED, Duration.ofSeconds(15));
    assertThat(failed.getStatus().getMessage()).contains("region 'far' is not available");
    Condition provisioned = condition(failed, SeedboxStatus.PROVISIONED);
    assertThat(provisioned.getStatus()).isEqualTo(ConditionStatus.FALSE);
    assertThat(provisioned.getReason()).isEqualTo("ProviderError");
    assertThat(provisioned.getMessage()).contains("region 'far' is not available");
    assertThat(ledger().ledger().balance(accountUid)).isEqualTo(2500);
    assertThat(auditActions(uid)).contains("ledger.refund");
    assertThat(transitions(uid)).containsSubsequence("Pending->Provisioning", "Provisioning->Failed");
    awaitEvent(ns, "far", "ProviderError");

    delete(ns, "far");
    awaitGone(ns, "far");
    assertThat(transitions(uid)).containsSubsequence("Provisioning->Failed", "Failed->Terminating",
        "Terminating->Terminated");
  }

  @Test
  void aServerThatVanishedIsReportedAndNotRecreated() {
    String ns = namespace();
    account(ns, "acme", STARTER, 7);
    Seedbox active = create(seedbox(ns, "box", "acme", "local"));
    active = awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(15));
    long created = provider().serversCreated();
    provider().loseServer(ServerRef.parse(active.getStatus().getProviderRef()));
    // the spec edit wakes the controller at once instead of at the next resync
    edit(ns, "box", sb -> {
      sb.getSpec().setSuspendReason("nudge");
      return sb;
    });
    Seedbox reported = awaitSeedbox(ns, "box", sb -> hasCondition(sb, SeedboxStatus.READY, "ServerVanished"));
    assertThat(reported.getStatus().getPhase()).isEqualTo(Phase.ACTIVE);
    assertThat(provider().serversCreated()).isEqualTo(created);
    awaitEvent(ns, "box", "ServerVanished");
  }

  @Test
  void anOperatorStoppedMidProvisioningAdoptsTheServerOnRestart() {
    String ns = namespace();
    account(ns, "acme", STARTER, 7);
    long before = provider().serversCreated();
    provider().failNextCalls(1_000);
    String uid;
    try {
      uid = create(seedbox(ns, "box", "acme", "local")).getMetadata().getUid();
      awaitSeedbox(ns, "box", sb -> sb.getStatus() != null && sb.getStatus().getPhase() == Phase.PROVISIONING);
      harness.stopOperator();
      provider().failNextCalls(0);
      // the create the operator was making when it stopped reached the provider; its answer never came back
      provider().create(new CreateRequest(uid, "small", "local", TorrentClient.QBITTORRENT, "#cloud-config\n"));
      assertThat(ledger().seedboxes().seedbox(uid)).get().extracting(SeedboxRecord::providerRef).isNull();
    } finally {
      provider().failNextCalls(0);
      harness.startOperator();
    }
    awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(45));
    assertThat(provider().serversCreated()).isEqualTo(before + 1);
    assertThat(provider().listManaged()).filteredOn(s -> s.seedboxUid().equals(uid)).hasSize(1);
    awaitEvent(ns, "box", "ServerAdopted");
  }

  // ---- credentials, pause, bad input --------------------------------------------------------------------------

  @Test
  void credentialsRotateOncePerRotationValue() {
    String ns = namespace();
    String uid = null;
    account(ns, "acme", STARTER, 7);
    uid = create(seedbox(ns, "box", "acme", "local")).getMetadata().getUid();
    Seedbox active = awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(15));
    ServerRef ref = ServerRef.parse(active.getStatus().getProviderRef());
    String first = decode(secret(ns, "box-webui"), "password");

    edit(ns, "box", sb -> {
      sb.getSpec().setCredentialsRotation(1L);
      return sb;
    });
    awaitSeedbox(ns, "box", sb -> Long.valueOf(1).equals(sb.getStatus().getObservedCredentialsRotation()));
    String second = decode(secret(ns, "box-webui"), "password");
    assertThat(second).isNotEqualTo(first);
    String secondHash = decode(secret(ns, "box-webui"), "password-pbkdf2");
    assertThat(provider().passwordHash(ref)).as("the Secret keeps the hash the server got").contains(secondHash);
    assertThat(secondHash).isEqualTo(qbittorrentHash(second, secondHash));

    // another spec change with the same rotation value rotates nothing
    edit(ns, "box", sb -> {
      sb.getSpec().setSuspendReason("unrelated edit");
      return sb;
    });
    awaitSeedbox(ns, "box", sb -> sb.getStatus().getObservedGeneration().equals(sb.getMetadata().getGeneration()));
    assertThat(decode(secret(ns, "box-webui"), "password")).isEqualTo(second);
    String boxUid = uid;
    assertThat(auditActions(boxUid)).filteredOn("seedbox.credentials-rotated"::equals).hasSize(1);

    edit(ns, "box", sb -> {
      sb.getSpec().setCredentialsRotation(2L);
      return sb;
    });
    awaitSeedbox(ns, "box", sb -> Long.valueOf(2).equals(sb.getStatus().getObservedCredentialsRotation()));
    assertThat(decode(secret(ns, "box-webui"), "password")).isNotEqualTo(second);
    assertThat(auditActions(boxUid)).filteredOn("seedbox.credentials-rotated"::equals).hasSize(2);
    assertThat(auditDetails(boxUid)).noneMatch(d -> d.contains(second));
    assertThat(eventReasons(ns, "box")).filteredOn("CredentialsRotated"::equals).hasSize(2);
  }

  @Test
  void pausedSeedboxesAreNeitherChargedNorChanged() {
    String ns = namespace();
    String accountUid = account(ns, "acme", 2 * STARTER, 7);
    Seedbox paused = seedbox(ns, "paused", "acme", "local");
    paused.getSpec().setPaused(true);
    String uid = create(paused).getMetadata().getUid();
    awaitSeedbox(ns, "paused", sb -> sb.getStatus() != null && sb.getStatus().conditionIsTrue("Paused"));
    assertStays(ns, "paused", sb -> sb.getStatus().getPhase() == null, Duration.ofSeconds(1));
    assertThat(ledger().seedboxes().seedbox(uid)).isEmpty();
    assertThat(ledger().ledger().balance(accountUid)).isEqualTo(2 * STARTER);

    edit(ns, "paused", sb -> {
      sb.getSpec().setPaused(false);
      return sb;
    });
    awaitPhase(ns, "paused", Phase.ACTIVE, Duration.ofSeconds(15));

    // a paused active seedbox ignores a suspend request until it is unpaused
    edit(ns, "paused", sb -> {
      sb.getSpec().setPaused(true);
      sb.getSpec().setSuspend(true);
      return sb;
    });
    awaitSeedbox(ns, "paused", sb -> sb.getStatus().conditionIsTrue("Paused"));
    assertStays(ns, "paused", sb -> sb.getStatus().getPhase() == Phase.ACTIVE, Duration.ofSeconds(1));
    edit(ns, "paused", sb -> {
      sb.getSpec().setPaused(false);
      return sb;
    });
    awaitPhase(ns, "paused", Phase.SUSPENDED, Duration.ofSeconds(15));
    awaitEvent(ns, "paused", "ReconciliationPaused");
  }

  @Test
  void badInputIsReportedWithoutChargingAndFixingTheSpecRecovers() {
    String ns = namespace();
    String accountUid = account(ns, "acme", STARTER, 7);

    Seedbox unknownPlan = seedbox(ns, "plan", "acme", "local");
    unknownPlan.getSpec().setPlan("platinum");
    create(unknownPlan);
    awaitSeedbox(ns, "plan", sb -> hasCondition(sb, SeedboxStatus.READY, "UnknownPlan"));

    Seedbox notOffered = seedbox(ns, "region", "acme", "nowhere");
    create(notOffered);
    awaitSeedbox(ns, "region", sb -> hasCondition(sb, SeedboxStatus.READY, "PlanNotOffered"));

    Seedbox both = seedbox(ns, "both", "acme", "local");
    both.getSpec().setByosConnectionRef("my-server");
    create(both);
    awaitSeedbox(ns, "both", sb -> hasCondition(sb, SeedboxStatus.READY, "ConflictingPlacement"));

    Seedbox byos = seedbox(ns, "byos", "acme", null);
    byos.getSpec().setProvider(null);
    byos.getSpec().setByosConnectionRef("my-server");
    create(byos);
    awaitSeedbox(ns, "byos", sb -> hasCondition(sb, SeedboxStatus.READY, "ByosConnectionNotFound"));

    create(seedbox(ns, "orphan", "nobody", "local"));
    awaitSeedbox(ns, "orphan", sb -> hasCondition(sb, SeedboxStatus.READY, "BillingAccountNotFound"));

    // an account whose ledger account is not open yet is a wait, not an error (paused, so its reconciler does not
    // open it under the test's feet)
    createAccount(ns, "later", null, true);
    create(seedbox(ns, "early", "later", "local"));
    awaitSeedbox(ns, "early", sb -> hasCondition(sb, SeedboxStatus.READY, "AccountNotReady"));

    assertThat(ledger().ledger().balance(accountUid)).as("nothing charged").isEqualTo(STARTER);
    assertThat(eventReasons(ns, "plan")).contains("UnknownPlan");

    edit(ns, "plan", sb -> {
      sb.getSpec().setPlan("starter");
      return sb;
    });
    awaitPhase(ns, "plan", Phase.ACTIVE, Duration.ofSeconds(15));
    assertThat(ledger().ledger().balance(accountUid)).isZero();
  }

  // ---- time -------------------------------------------------------------------------------------------------

  @Test
  void aSeedboxWhoseGracePeriodEndedIsTerminated() {
    String ns = namespace();
    account(ns, "acme", STARTER, 0);
    String uid = create(seedbox(ns, "box", "acme", "local")).getMetadata().getUid();
    Seedbox active = awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(15));
    ServerRef ref = ServerRef.parse(active.getStatus().getProviderRef());

    CLOCK.advance(Duration.ofDays(31));
    ledger().billing().runCycle();
    awaitPhase(ns, "box", Phase.TERMINATED, Duration.ofSeconds(15));
    assertThat(provider().status(ref)).isEmpty();
    assertThat(auditDetails(uid)).anyMatch(d -> d.contains("GracePeriodExpired"));
    awaitEvent(ns, "box", "GracePeriodExpired");
  }

  @Test
  void zzAnOrphanServerIsSweptAfterItsGracePeriodAndLiveServersAreLeftAlone() {
    String ns = namespace();
    account(ns, "acme", STARTER, 7);
    Seedbox live = create(seedbox(ns, "box", "acme", "local"));
    awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(15));
    String orphanUid = UUID.randomUUID().toString();
    ServerRef orphan = provider().create(new CreateRequest(orphanUid, "small", "local", TorrentClient.QBITTORRENT,
        "#cloud-config\n")).ref();

    OrphanSweep.Report first = harness.wiring().orphanSweep().sweep();
    assertThat(first.terminated()).as("younger than the grace period").isZero();
    assertThat(provider().status(orphan)).isPresent();

    CLOCK.advance(OperatorFixture.TEST_TIMING.orphanGrace().plusMinutes(1));
    OrphanSweep.Report second = harness.wiring().orphanSweep().sweep();
    assertThat(second.terminated()).isEqualTo(1);
    assertThat(provider().status(orphan)).isEmpty();
    assertThat(provider().listManaged()).anyMatch(s -> s.seedboxUid().equals(live.getMetadata().getUid()));
    assertThat(ledger().audit().recent("server:" + orphan, 10)).extracting(AuditEvent::action)
        .containsExactly("seedbox.orphan-terminated");
    assertThat(harness.wiring().registry().scrape()).contains("seedbox_orphans_terminated_total");
  }

  // ---- helpers ----------------------------------------------------------------------------------------------

  static InMemoryProvider provider() {
    return harness.provider();
  }

  private static LedgerModule ledger;

  /** The test's own view of the ledger (the operator may be stopped while a test looks at it). */
  static synchronized LedgerModule ledger() {
    if (ledger == null) {
      ledger = LedgerModule.create(harness.database().runtime(), CLOCK);
    }
    return ledger;
  }

  static String namespace() {
    return "t" + NAMESPACES.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 100_000, 36);
  }

  static BillingAccount createAccount(String ns, String name, Integer graceDays, boolean paused) {
    BillingAccount account = new BillingAccount();
    account.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    BillingAccountSpec spec = new BillingAccountSpec();
    spec.setOwner("owner@" + ns + ".example");
    spec.setGracePeriodDays(graceDays);
    spec.setLowBalanceThresholdCents(0L);
    spec.setPaused(paused);
    account.setSpec(spec);
    return harness.client().resource(account).create();
  }

  /** A BillingAccount CR whose ledger account the test opens itself, with optional credit. */
  static String account(String ns, String name, long creditCents, int graceDays) {
    // The BillingAccount reconciler copies the spec into the ledger too, so both must say the same.
    String uid = createAccount(ns, name, graceDays, false).getMetadata().getUid();
    ledger().ledger().openAccount(new AccountSpec(uid, ns, name, "owner", "USD", 0, graceDays), "test");
    if (creditCents > 0) {
      ledger().ledger().creditTopUp(uid, "initial-" + ns + "-" + name, creditCents, "test");
    }
    return uid;
  }

  static Seedbox seedbox(String ns, String name, String account, String region) {
    Seedbox sb = new Seedbox();
    sb.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    SeedboxSpec spec = new SeedboxSpec();
    spec.setAccountRef(account);
    spec.setPlan("starter");
    spec.setProvider(ProviderKind.INMEMORY);
    spec.setRegion(region);
    sb.setSpec(spec);
    return sb;
  }

  static Seedbox create(Seedbox sb) {
    return harness.client().resource(sb).create();
  }

  static Seedbox fetch(String ns, String name) {
    return harness.client().resources(Seedbox.class).inNamespace(ns).withName(name).get();
  }

  static void edit(String ns, String name, UnaryOperator<Seedbox> change) {
    harness.client().resources(Seedbox.class).inNamespace(ns).withName(name).edit(change);
  }

  static void delete(String ns, String name) {
    harness.client().resources(Seedbox.class).inNamespace(ns).withName(name).delete();
  }

  static Secret secret(String ns, String name) {
    return harness.client().secrets().inNamespace(ns).withName(name).get();
  }

  static String encode(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  /** The qBittorrent hash of {@code password} with the salt of {@code stored} ({@code @ByteArray(salt:key)}). */
  static String qbittorrentHash(String password, String stored) {
    assertThat(stored).startsWith("@ByteArray(").endsWith(")").contains(":");
    byte[] salt = Base64.getDecoder().decode(stored.substring("@ByteArray(".length(), stored.indexOf(':')));
    return QbittorrentPassword.hash(password, salt);
  }

  static String decode(Secret secret, String key) {
    return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }

  static ConditionFactory waiting(Duration atMost) {
    return await().atMost(atMost).pollInterval(Duration.ofMillis(50));
  }

  static Seedbox awaitSeedbox(String ns, String name, java.util.function.Predicate<Seedbox> condition) {
    return waiting(Duration.ofSeconds(15)).until(() -> fetch(ns, name),
        sb -> sb != null && sb.getStatus() != null && condition.test(sb));
  }

  static Seedbox awaitPhase(String ns, String name, Phase phase, Duration atMost) {
    return waiting(atMost).until(() -> fetch(ns, name),
        sb -> sb != null && sb.getStatus() != null && sb.getStatus().getPhase() == phase);
  }

  static void awaitGone(String ns, String name) {
    waiting(Duration.ofSeconds(20)).until(() -> fetch(ns, name) == null);
  }

  static void assertStays(String ns, String name, java.util.function.Predicate<Seedbox> condition, Duration during) {
    await().during(during).atMost(during.plusSeconds(5)).pollInterval(Duration.ofMillis(100))
        .until(() -> condition.test(fetch(ns, name)));
  }

  static boolean hasCondition(Seedbox sb, String type, String reason) {
    return sb.getStatus() != null && sb.getStatus().findCondition(type)
        .map(c -> reason.equals(c.getReason())).orElse(false);
  }

  static Condition condition(Seedbox sb, String type) {
    return sb.getStatus().findCondition(type).orElseThrow();
  }

  static List<String> eventReasons(String ns, String name) {
    return harness.client().v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .sorted(java.util.Comparator.comparing(Event::getFirstTimestamp))
        .map(Event::getReason)
        .toList();
  }

  static void awaitEvent(String ns, String name, String reason) {
    waiting(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(eventReasons(ns, name)).contains(reason));
  }

  static List<AuditEvent> audit(String uid) {
    List<AuditEvent> events = new java.util.ArrayList<>(ledger().audit().recent("seedbox:" + uid, 500));
    java.util.Collections.reverse(events);
    return events;
  }

  static List<String> auditActions(String uid) {
    return audit(uid).stream().map(AuditEvent::action).toList();
  }

  static List<String> auditDetails(String uid) {
    return audit(uid).stream().map(AuditEvent::detailJson).toList();
  }

  /** The audited transitions of a seedbox, oldest first, as "From->To". */
  static List<String> transitions(String uid) {
    return audit(uid).stream().filter(e -> e.action().equals("seedbox.transition"))
        .map(e -> field(e.detailJson(), "from") + "->" + field(e.detailJson(), "to"))
        .toList();
  }

  private static String field(String json, String name) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get(name).asText();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static double providerErrors() {
    return harness.wiring().registry().find("seedbox.provider.errors").counters().stream()
        .mapToDouble(c -> c.count()).sum();
  }
}

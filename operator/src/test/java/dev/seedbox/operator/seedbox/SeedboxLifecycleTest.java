package dev.seedbox.operator.seedbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.status.Condition;
import dev.seedbox.api.status.ConditionStatus;
import dev.seedbox.api.v1alpha1.BillingAccount;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.api.v1alpha1.SeedboxStatus;
import dev.seedbox.ledger.SeedboxRecord;
import dev.seedbox.operator.harness.OperatorFixture;
import dev.seedbox.provisioning.CreateRequest;
import dev.seedbox.provisioning.ServerRef;
import dev.seedbox.api.v1alpha1.TorrentClient;
import dev.seedbox.hostchannel.webui.LoginCheck;
import dev.seedbox.hostchannel.webui.LoginCheck.Accepted;
import dev.seedbox.hostchannel.webui.LoginCheck.Rejected;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Seedbox controller end to end: the operator in-process on the mock API (CRUD mode, CRDs from crds/), a real
 * PostgreSQL ledger and the in-memory provider. Each test works in its own namespace with its own BillingAccount,
 * whose ledger account the test opens itself (the BillingAccount reconciler is not part of this suite).
 */
class SeedboxLifecycleTest extends SeedboxScenario {

  @RegisterExtension
  static final OperatorFixture harness = operatorOn(Clock.systemUTC());

  SeedboxLifecycleTest() {
    super(harness, Clock.systemUTC());
  }

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
    assertThat(login(active, password)).as("Active means the customer can log in").isInstanceOf(Accepted.class);
    assertThat(login(active, password + "x")).isInstanceOf(Rejected.class);

    assertThat(transitions(uid)).containsSubsequence("Pending->Provisioning", "Provisioning->Active");
    assertThat(auditActions(uid)).contains("seedbox.provisioning-charged", "seedbox.provider-ref-recorded");
    awaitEvent(ns, "box", "FirstPeriodCharged");
    awaitEvent(ns, "box", "ServerCreated");
    awaitEvent(ns, "box", "CustomerCanLogIn");

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
  void aCreateRetriedAfterAProviderErrorBootsTheKeysStoredBeforeTheFirstAttempt() {
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
    String password = currentPassword(ns, "box");
    assertThat(login(active, password)).isInstanceOf(Accepted.class);

    Secret keys = secret(ns, "box-server-keys");
    assertThat(keys.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(ref -> assertThat(ref.getUid()).isEqualTo(uid));
    String managementKey = decode(keys, "management-key");
    String hostKey = decode(keys, "host-key");
    List<CreateRequest> creates = harness.recorder().creates(uid);
    assertThat(creates).as("a failed attempt and the one that worked").hasSizeGreaterThanOrEqualTo(2);
    assertThat(creates).extracting(CreateRequest::userData).as("every attempt boots the same stored keys")
        .containsOnly(creates.get(0).userData());
    String userData = creates.get(0).userData();
    assertThat(userData).as("the server's user data carries no web UI password and no hash")
        .doesNotContain(password).doesNotContainPattern("@ByteArray\\([A-Za-z0-9+/=]{16,}:");
    // the host key's private half must reach the server; the management key's never leaves the Secret
    assertThat(userData).doesNotContain(body(managementKey)).contains("ed25519_private");

    assertThat(auditDetails(uid)).noneMatch(d -> d.contains(password) || d.contains(body(hostKey)));
    assertThat(Serialization.asJson(active.getStatus())).doesNotContain(password).doesNotContain(body(hostKey));
    assertThat(harness.client().v1().events().inNamespace(ns).list().getItems()).extracting(Event::getMessage)
        .noneMatch(m -> m.contains(password) || m.contains(body(managementKey)));
  }

  /**
   * A line from inside an OpenSSH private key, as it would appear if the key leaked anywhere: the third, since the
   * first two are the format's header and the public half, alike or public for every Ed25519 key.
   */
  private static String body(String privateKey) {
    return privateKey.lines().filter(l -> !l.startsWith("-----")).skip(2).findFirst().orElseThrow();
  }

  @Test
  void aSecretMadeAheadKeepsItsPasswordAndTheServerAcceptsExactlyIt() {
    String ns = namespace();
    account(ns, "acme", STARTER, 7);
    String password = "made-ahead-by-someone-else-42";
    harness.client().secrets().inNamespace(ns).resource(new SecretBuilder()
        .withNewMetadata().withName("box-webui").withNamespace(ns).endMetadata()
        .withType("Opaque")
        .withData(java.util.Map.of("username", encode("seedbox"), "password", encode(password)))
        .build()).create();
    String uid = create(seedbox(ns, "box", "acme", "local")).getMetadata().getUid();
    Seedbox active = awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(15));

    assertThat(currentPassword(ns, "box")).as("the password made ahead is kept").isEqualTo(password);
    assertThat(login(active, password)).isInstanceOf(Accepted.class);
    assertThat(harness.recorder().creates(uid)).singleElement().extracting(CreateRequest::userData)
        .satisfies(userData -> assertThat(userData).doesNotContain(password));
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
      awaitSeedbox(ns, "box", sb -> hasCondition(sb, SeedboxStatus.READY, "ProviderUnauthorized")
          && condition(sb, SeedboxStatus.READY).getMessage().contains("provider token"));
      awaitEvent(ns, "box", "ProviderUnauthorized");
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
      String seedboxUid = uid;
      // the charge comes first, then the create whose user data the restarted operator must boot
      waiting(Duration.ofSeconds(15)).until(() -> !harness.recorder().creates(seedboxUid).isEmpty());
      harness.stopOperator();
      provider().failNextCalls(0);
      // the create the operator was making when it stopped reached the provider; its answer never came back
      String userData = harness.recorder().creates(uid).get(0).userData();
      provider().create(new CreateRequest(uid, "small", "local", TorrentClient.QBITTORRENT, userData));
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
    String first = decode(secret(ns, "box-webui"), "password");

    edit(ns, "box", sb -> {
      sb.getSpec().setCredentialsRotation(1L);
      return sb;
    });
    awaitSeedbox(ns, "box", sb -> Long.valueOf(1).equals(sb.getStatus().getObservedCredentialsRotation()));
    String second = decode(secret(ns, "box-webui"), "password");
    assertThat(second).isNotEqualTo(first);
    Seedbox rotated = fetch(ns, "box");
    assertThat(login(rotated, second)).as("the new password works at once").isInstanceOf(Accepted.class);
    assertThat(login(rotated, first)).as("the old one no longer does").isInstanceOf(Rejected.class);

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
    byos.getSpec().setPlan("own-server");
    byos.getSpec().setByosConnectionRef("my-server");
    create(byos);
    awaitSeedbox(ns, "byos", sb -> hasCondition(sb, SeedboxStatus.READY, "ByosConnectionNotFound"));

    create(seedbox(ns, "orphan", "nobody", "local"));
    awaitSeedbox(ns, "orphan", sb -> hasCondition(sb, SeedboxStatus.READY, "BillingAccountNotFound"));

    // the schema requires accountRef; the mock stores what it is given, as an object written behind the schema's back
    create(seedbox(ns, "unpaid", null, "local"));
    Seedbox unpaid = awaitSeedbox(ns, "unpaid", sb -> hasCondition(sb, SeedboxStatus.READY, "InvalidSpec"));
    assertThat(condition(unpaid, SeedboxStatus.READY).getMessage()).contains("spec.accountRef is not set");

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

  @Test
  void aClientThePlanDoesNotOfferIsReportedBeforeAnyPayment() {
    String ns = namespace();
    String accountUid = account(ns, "acme", 5000, 7);
    Seedbox rtorrent = seedbox(ns, "rt", "acme", "local");
    rtorrent.getSpec().setPlan("plus");
    rtorrent.getSpec().setClient(TorrentClient.RTORRENT);
    create(rtorrent);

    Seedbox refused = awaitSeedbox(ns, "rt", sb -> hasCondition(sb, SeedboxStatus.READY, "ClientNotOffered"));
    assertThat(refused.getStatus().getPhase()).isEqualTo(Phase.PENDING);
    assertThat(condition(refused, SeedboxStatus.READY).getMessage()).contains("plus", "qbittorrent", "rtorrent");
    assertThat(ledger().ledger().balance(accountUid)).as("nothing charged").isEqualTo(5000);
    assertThat(ledger().seedboxes().seedbox(refused.getMetadata().getUid())).as("no order row").isEmpty();
    awaitEvent(ns, "rt", "ClientNotOffered");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = TorrentClient.class, names = {"TRANSMISSION", "DELUGE", "RTORRENT"})
  void everyClientGoesActiveOnlyOnceTheCustomerCanLogInAndSuspendsAndResumes(TorrentClient client) {
    String ns = namespace();
    account(ns, "acme", STARTER, 7);
    Seedbox ordered = seedbox(ns, "box", "acme", "local");
    ordered.getSpec().setClient(client);
    create(ordered);

    Seedbox active = awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(15));
    assertThat(condition(active, SeedboxStatus.READY).getStatus()).isEqualTo(ConditionStatus.TRUE);
    String password = currentPassword(ns, "box");
    assertThat(login(active, password)).as("Active means the customer can log in").isInstanceOf(Accepted.class);
    assertThat(login(active, password + "x")).isInstanceOf(Rejected.class);

    edit(ns, "box", sb -> {
      sb.getSpec().setSuspend(true);
      return sb;
    });
    awaitPhase(ns, "box", Phase.SUSPENDED, Duration.ofSeconds(15));
    assertThat(login(active, password)).as("a suspended client does not answer")
        .isInstanceOf(LoginCheck.Unreachable.class);
    edit(ns, "box", sb -> {
      sb.getSpec().setSuspend(false);
      return sb;
    });
    Seedbox resumed = awaitSeedbox(ns, "box", sb -> sb.getStatus().getPhase() == Phase.ACTIVE
        && sb.getStatus().findCondition(SeedboxStatus.READY).map(c -> c.getStatus() == ConditionStatus.TRUE)
            .orElse(false));
    assertThat(login(resumed, password)).isInstanceOf(Accepted.class);
  }
}

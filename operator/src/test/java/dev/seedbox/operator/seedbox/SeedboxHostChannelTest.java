package dev.seedbox.operator.seedbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.status.ConditionStatus;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.api.v1alpha1.SeedboxStatus;
import dev.seedbox.hostchannel.inmemory.InMemoryHost.Fault;
import dev.seedbox.hostchannel.webui.LoginCheck.Accepted;
import dev.seedbox.hostchannel.webui.LoginCheck.Rejected;
import dev.seedbox.ledger.testing.MutableClock;
import dev.seedbox.operator.harness.OperatorFixture;
import dev.seedbox.provisioning.ServerInfo;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Seedbox lifecycle as the host channel sees it, against the in-memory host and its faults: Active only once
 * the customer's login works, Ready following the periodic probe, the boot deadline, and two-phase credentials that
 * survive a refusing server and an operator restart.
 */
class SeedboxHostChannelTest extends SeedboxScenario {

  static final MutableClock CLOCK = clockFromNow();

  /** Probes every 300 ms of the test clock, which the tests move on; the production boot deadline. */
  @RegisterExtension
  static final OperatorFixture harness = new OperatorFixture(CLOCK, OperatorFixture.testProviderOptions(),
      OperatorFixture.TEST_TIMING.withHostChecks(Duration.ofMillis(300), Duration.ofMinutes(15)));

  SeedboxHostChannelTest() {
    super(harness, CLOCK);
  }

  @AfterEach
  void noFaultOnNewServers() {
    harness.host().injectOnBoot(null);
  }

  @Test
  void aSeedboxIsActiveOnlyOnceTheCustomerCanLogIn() {
    String ns = namespace();
    account(ns, "acme", STARTER, 7);
    harness.host().injectOnBoot(Fault.BOOTING);
    String uid = create(seedbox(ns, "box", "acme", "local")).getMetadata().getUid();

    Seedbox booting = awaitSeedbox(ns, "box", sb -> hasCondition(sb, SeedboxStatus.READY, "ServerBooting"));
    assertThat(booting.getStatus().getPhase()).isEqualTo(Phase.PROVISIONING);
    assertThat(provider().listManaged()).extracting(ServerInfo::seedboxUid).as("the provider says it runs")
        .contains(uid);
    assertStays(ns, "box", sb -> sb.getStatus().getPhase() == Phase.PROVISIONING, Duration.ofSeconds(1));
    assertThat(secret(ns, "box-webui")).as("no password before the server could take one").isNull();

    harness.host().clear(hostOf(uid));
    Seedbox active = awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(15));
    assertThat(condition(active, SeedboxStatus.READY).getStatus()).isEqualTo(ConditionStatus.TRUE);
    assertThat(login(active, currentPassword(ns, "box"))).isInstanceOf(Accepted.class);
    assertThat(login(active, "not-the-password-at-all")).isInstanceOf(Rejected.class);
    assertThat(transitions(uid)).containsSubsequence("Pending->Provisioning", "Provisioning->Active");
  }

  @Test
  void probeFailuresFlipReadyAndItComesBackWithTheClient() {
    String ns = namespace();
    account(ns, "acme", STARTER, 7);
    String uid = create(seedbox(ns, "box", "acme", "local")).getMetadata().getUid();
    awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(15));
    String host = hostOf(uid);

    Map<Fault, String> reasons = Map.of(Fault.CLIENT_CRASHED, "ClientNotRunning",
        Fault.REJECT_LOGINS, "CredentialsRejected", Fault.UNREACHABLE, "HostUnreachable");
    for (Map.Entry<Fault, String> fault : reasons.entrySet()) {
      harness.host().inject(host, fault.getKey());
      // the last healthy answer stands for one probe interval of the operator's clock
      CLOCK.advance(Duration.ofSeconds(1));
      Seedbox down = awaitSeedbox(ns, "box", sb -> hasCondition(sb, SeedboxStatus.READY, fault.getValue()));
      assertThat(condition(down, SeedboxStatus.READY).getStatus()).as(fault.getKey().name())
          .isEqualTo(ConditionStatus.FALSE);
      assertThat(down.getStatus().getPhase()).as("a probe observes; it changes no phase").isEqualTo(Phase.ACTIVE);

      harness.host().clear(host);
      awaitSeedbox(ns, "box", sb -> sb.getStatus().findCondition(SeedboxStatus.READY)
          .map(c -> c.getStatus() == ConditionStatus.TRUE).orElse(false));
    }
    assertThat(auditActions(uid)).as("observing is not a privileged action").doesNotContain("ledger.refund");
  }

  @Test
  void aServerNotReadyByTheBootDeadlineFailsAndTheFirstPeriodIsRefunded() {
    String ns = namespace();
    String accountUid = account(ns, "acme", STARTER, 7);
    harness.host().injectOnBoot(Fault.BOOTING);
    String uid = create(seedbox(ns, "box", "acme", "local")).getMetadata().getUid();
    awaitSeedbox(ns, "box", sb -> hasCondition(sb, SeedboxStatus.READY, "ServerBooting"));
    assertThat(ledger().ledger().balance(accountUid)).as("charged").isZero();

    CLOCK.advance(Duration.ofMinutes(14));
    assertStays(ns, "box", sb -> sb.getStatus().getPhase() == Phase.PROVISIONING, Duration.ofSeconds(1));
    CLOCK.advance(Duration.ofMinutes(2));
    Seedbox failed = awaitPhase(ns, "box", Phase.FAILED, Duration.ofSeconds(15));
    assertThat(condition(failed, SeedboxStatus.READY).getReason()).isEqualTo("BootDeadlineExceeded");
    assertThat(condition(failed, SeedboxStatus.READY).getMessage()).contains("PT15M").contains("ServerBooting");
    assertThat(ledger().ledger().balance(accountUid)).as("first period refunded").isEqualTo(STARTER);
    assertThat(auditActions(uid)).containsOnlyOnce("ledger.refund");
  }

  @Test
  void aFailedFirstBootFailsAtOnceWithTheServersStatus() {
    String ns = namespace();
    String accountUid = account(ns, "acme", STARTER, 7);
    harness.host().injectOnBoot(Fault.BOOT_FAILED);
    String uid = create(seedbox(ns, "box", "acme", "local")).getMetadata().getUid();

    Seedbox failed = awaitPhase(ns, "box", Phase.FAILED, Duration.ofSeconds(15));
    assertThat(condition(failed, SeedboxStatus.READY).getReason()).isEqualTo("BootFailed");
    assertThat(condition(failed, SeedboxStatus.READY).getMessage()).contains("package installation failed");
    assertThat(ledger().ledger().balance(accountUid)).as("first period refunded").isEqualTo(STARTER);
    assertThat(auditActions(uid)).containsOnlyOnce("ledger.refund");
    assertThat(secret(ns, "box-webui")).as("nothing was promoted").satisfiesAnyOf(
        s -> assertThat(s).isNull(), s -> assertThat(s.getData()).doesNotContainKey("password"));
  }

  @Test
  void aRotationTheServerRefusesKeepsTheOldPasswordCurrentAndCompletesOnceItTakesIt() {
    String ns = namespace();
    account(ns, "acme", STARTER, 7);
    String uid = create(seedbox(ns, "box", "acme", "local")).getMetadata().getUid();
    Seedbox active = awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(15));
    String old = currentPassword(ns, "box");
    String host = hostOf(uid);

    harness.host().inject(host, Fault.REFUSE_CREDENTIALS);
    rotateTo(ns, 1);
    Seedbox refused = awaitSeedbox(ns, "box",
        sb -> hasCondition(sb, SeedboxStatus.READY, "CredentialsRotationFailed"));
    assertThat(condition(refused, SeedboxStatus.READY).getMessage()).contains("did not take the new web UI password");
    assertThat(refused.getStatus().getObservedCredentialsRotation()).isNotEqualTo(1L);
    assertThat(currentPassword(ns, "box")).as("the Secret keeps the password the server accepts").isEqualTo(old);
    assertThat(login(active, old)).isInstanceOf(Accepted.class);
    assertThat(auditActions(uid)).doesNotContain("seedbox.credentials-rotated");

    harness.host().clear(host);
    awaitSeedbox(ns, "box", sb -> Long.valueOf(1).equals(sb.getStatus().getObservedCredentialsRotation()));
    String rotated = currentPassword(ns, "box");
    assertThat(rotated).isNotEqualTo(old);
    assertThat(login(active, rotated)).isInstanceOf(Accepted.class);
    assertThat(login(active, old)).isInstanceOf(Rejected.class);
    assertThat(secret(ns, "box-webui").getData()).doesNotContainKey("pending-password");
    assertThat(auditActions(uid)).containsOnlyOnce("seedbox.credentials-rotated");
    awaitSeedbox(ns, "box", sb -> sb.getStatus().findCondition(SeedboxStatus.READY)
        .map(c -> c.getStatus() == ConditionStatus.TRUE).orElse(false));
  }

  @Test
  void anOperatorRestartedMidRotationCompletesItOnceWithTheStagedPassword() {
    String ns = namespace();
    account(ns, "acme", STARTER, 7);
    String uid = create(seedbox(ns, "box", "acme", "local")).getMetadata().getUid();
    Seedbox active = awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(15));
    String old = currentPassword(ns, "box");

    // the operator died after staging rotation 1 and before the server confirmed it
    String staged = "staged-before-the-crash-0123";
    harness.stopOperator();
    try {
      harness.client().secrets().inNamespace(ns).withName("box-webui").edit(s -> {
        Map<String, String> data = new HashMap<>(s.getData());
        data.put("pending-password", encode(staged));
        s.setData(data);
        s.getMetadata().getAnnotations().put("seedbox.dev/pending-credentials-rotation", "1");
        return s;
      });
      rotateTo(ns, 1);
    } finally {
      harness.startOperator();
    }

    // the restarted replica waits for the Lease its predecessor held
    waiting(Duration.ofSeconds(45)).until(() -> fetch(ns, "box"),
        sb -> Long.valueOf(1).equals(sb.getStatus().getObservedCredentialsRotation()));
    assertThat(currentPassword(ns, "box")).as("the staged password, not a second new one").isEqualTo(staged);
    assertThat(login(active, staged)).isInstanceOf(Accepted.class);
    assertThat(login(active, old)).isInstanceOf(Rejected.class);
    assertStays(ns, "box", sb -> Long.valueOf(1).equals(sb.getStatus().getObservedCredentialsRotation()),
        Duration.ofSeconds(1));
    assertThat(auditActions(uid)).containsOnlyOnce("seedbox.credentials-rotated");
    assertThat(currentPassword(ns, "box")).isEqualTo(staged);
  }

  @Test
  void suspendStopsTheClientAndResumeStartsItWithTheSameLogin() {
    String ns = namespace();
    account(ns, "acme", STARTER, 7);
    String uid = create(seedbox(ns, "box", "acme", "local")).getMetadata().getUid();
    Seedbox active = awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(15));
    String password = currentPassword(ns, "box");

    edit(ns, "box", sb -> {
      sb.getSpec().setSuspend(true);
      sb.getSpec().setSuspendReason("abuse report 7");
      return sb;
    });
    awaitPhase(ns, "box", Phase.SUSPENDED, Duration.ofSeconds(15));
    assertThat(login(active, password)).as("the client is stopped").isNotInstanceOf(Accepted.class);
    assertThat(provider().listManaged()).filteredOn(s -> s.seedboxUid().equals(uid)).singleElement()
        .as("suspend is a host command; the server stays as it was").isNotNull();

    edit(ns, "box", sb -> {
      sb.getSpec().setSuspend(false);
      return sb;
    });
    awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(15));
    assertThat(login(active, password)).isInstanceOf(Accepted.class);
    assertThat(currentPassword(ns, "box")).isEqualTo(password);
  }

  private void rotateTo(String ns, long rotation) {
    edit(ns, "box", sb -> {
      sb.getSpec().setCredentialsRotation(rotation);
      return sb;
    });
  }

  /** The address of the server the provider runs for a Seedbox: the host its faults are injected on. */
  private String hostOf(String uid) {
    return provider().listManaged().stream().filter(s -> s.seedboxUid().equals(uid)).findFirst()
        .map(ServerInfo::ipv4).orElseThrow();
  }
}

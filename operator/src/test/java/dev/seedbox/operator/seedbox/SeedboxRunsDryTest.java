package dev.seedbox.operator.seedbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.status.ConditionStatus;
import dev.seedbox.api.v1alpha1.BillingAccount;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.api.v1alpha1.SeedboxStatus;
import dev.seedbox.hostchannel.webui.LoginCheck.Accepted;
import dev.seedbox.ledger.testing.MutableClock;
import dev.seedbox.operator.harness.OperatorFixture;
import dev.seedbox.provisioning.ServerInfo;
import dev.seedbox.provisioning.ServerRef;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A BillingAccount that runs dry suspends its Seedboxes; a top-up resumes them.
 * On a clock of its own, which the test moves forward.
 */
class SeedboxRunsDryTest extends SeedboxScenario {

  static final MutableClock CLOCK = clockFromNow();

  @RegisterExtension
  static final OperatorFixture harness = operatorOn(CLOCK);

  SeedboxRunsDryTest() {
    super(harness, CLOCK);
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
    String password = currentPassword(ns, "two");
    assertThat(login(two, password)).as("suspended: the client is stopped").isNotInstanceOf(Accepted.class);
    ServerRef ref = ServerRef.parse(two.getStatus().getProviderRef());
    assertThat(provider().status(ref)).get().extracting(ServerInfo::providerStatus)
        .as("suspend stops the client over the host channel; the server keeps running").isEqualTo("active");
    awaitEvent(ns, "two", "BillingHold");

    ledger().ledger().creditTopUp(accountUid, "pay-" + ns, 2 * STARTER, "test");
    awaitPhase(ns, "one", Phase.ACTIVE, Duration.ofSeconds(15));
    Seedbox resumed = awaitPhase(ns, "two", Phase.ACTIVE, Duration.ofSeconds(15));
    assertThat(condition(resumed, SeedboxStatus.PAID).getStatus()).isEqualTo(ConditionStatus.TRUE);
    assertThat(login(resumed, password)).isInstanceOf(Accepted.class);
    for (String uid : List.of(a, b)) {
      assertThat(transitions(uid)).containsSubsequence("Provisioning->Active", "Active->Suspended",
          "Suspended->Active");
    }
    awaitEvent(ns, "two", "HoldsLifted");
  }
}

package dev.seedbox.operator.seedbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.ledger.testing.MutableClock;
import dev.seedbox.operator.harness.OperatorFixture;
import dev.seedbox.provisioning.ServerRef;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Seedbox suspended for non-payment is terminated once its grace period ends.
 * On a clock of its own, which the test moves forward.
 */
class SeedboxGracePeriodTest extends SeedboxScenario {

  static final MutableClock CLOCK = clockFromNow();

  @RegisterExtension
  static final OperatorFixture harness = operatorOn(CLOCK);

  SeedboxGracePeriodTest() {
    super(harness, CLOCK);
  }

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
}

package dev.seedbox.operator.seedbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.ledger.audit.AuditEvent;
import dev.seedbox.ledger.testing.MutableClock;
import dev.seedbox.operator.harness.OperatorFixture;
import dev.seedbox.provisioning.CreateRequest;
import dev.seedbox.provisioning.ServerRef;
import dev.seedbox.api.v1alpha1.TorrentClient;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The orphan sweep terminates servers whose Seedbox is gone, after a grace period.
 * On a clock of its own, which the test moves forward.
 */
class OrphanSweepTest extends SeedboxScenario {

  static final MutableClock CLOCK = clockFromNow();

  @RegisterExtension
  static final OperatorFixture harness = operatorOn(CLOCK);

  OrphanSweepTest() {
    super(harness, CLOCK);
  }

  @Test
  void anOrphanServerIsSweptAfterItsGracePeriodAndLiveServersAreLeftAlone() {
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
}

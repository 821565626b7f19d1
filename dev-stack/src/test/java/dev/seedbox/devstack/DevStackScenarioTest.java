package dev.seedbox.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's story end to end: top-up through the API and a signed webhook, seedboxes Active; billing periods
 * until the account is Suspended with its seedboxes; a second top-up and everything is Active again.
 */
class DevStackScenarioTest {

  @Test
  void topUpActivatesRunningDrySuspendsAndASecondTopUpResumes() throws IOException {
    Path root = DevStack.findRoot(Path.of(""));
    Path workDir = Files.createDirectories(root.resolve("dev-stack/target/devstack-scenario"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DevStack stack = DevStack.start(root, workDir)) {
      Scenario.Result result = new Scenario(stack,
          new ProgressTable(new PrintStream(out, true, StandardCharsets.UTF_8), false)).run();

      assertThat(result.afterFirstTopUp().phasesOf("sb/")).containsOnly("Active").hasSize(3);
      assertThat(result.afterFirstTopUp().phaseOf("ba/acme-media")).isEqualTo("Active");
      assertThat(result.phasesSeen().get("sb/acme-films")).containsSubsequence("Pending", "Active");
      // the seedbox on the customer's own server, once its ByosConnection was onboarded
      assertThat(result.phasesSeen().get("byos/acme-homelab")).containsSubsequence("AwaitingAuthorization",
          "Connected");
      assertThat(result.phasesSeen().get("sb/acme-homelab-box")).containsSubsequence("Pending", "Provisioning",
          "Active");

      assertThat(result.afterRunningDry().phaseOf("ba/acme-media")).isEqualTo("Suspended");
      // $120 against $55 a period with a $25 threshold: $55 at provisioning, $10 left after period 1 (LowBalance);
      // period 2 cannot pay acme-archive's $39 nor acme-films' $12, pays acme-homelab-box's $4 fee: the account and
      // the two cloud seedboxes are Suspended
      assertThat(result.afterRunningDry().phaseOf("sb/acme-archive")).isEqualTo("Suspended");
      assertThat(result.afterRunningDry().phaseOf("sb/acme-films")).isEqualTo("Suspended");
      assertThat(result.afterRunningDry().phaseOf("sb/acme-homelab-box")).isEqualTo("Active");
      assertThat(result.afterRunningDry().row("ba/acme-media").flatMap(Snapshot.Row::balanceCents)).contains(600L);
      assertThat(result.accountStatesSeen()).containsSubsequence("Active", "LowBalance", "Suspended", "Active");
      assertThat(result.periodsRun()).isEqualTo(2);

      assertThat(result.afterSecondTopUp().phaseOf("ba/acme-media")).isEqualTo("Active");
      assertThat(result.afterSecondTopUp().phasesOf("sb/")).containsOnly("Active").hasSize(3);
      assertThat(stack.gateway().payments()).hasSize(2);
      assertThat(stack.billing().metrics().find("seedbox.billing.cycle.duration").timer().count())
          .as("the demo's cycles ran through the billing worker, whose metrics count them")
          .isGreaterThanOrEqualTo(result.periodsRun());
      assertThat(stack.billing().metrics().find("seedbox.billing.cycle.charges").counter().count()).isPositive();
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("scenario complete");
  }
}

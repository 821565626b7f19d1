package dev.seedbox.charts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.charts.ArgoCdHealthCheck.Health;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SeedboxHealthTest {

  private static final ArgoCdHealthCheck CHECK = ArgoCdHealthCheck.load("seedbox.lua");

  private static String seedbox(String phase, String conditions) {
    return """
        apiVersion: seedbox.dev/v1alpha1
        kind: Seedbox
        metadata: {name: acme-films, generation: 3}
        spec: {accountRef: acme-media, plan: starter-1tb, provider: inmemory, region: local, client: qbittorrent}
        status:
          observedGeneration: 3
          phase: %s
          message: status message of %s
          conditions: [%s]
        """.formatted(phase, phase, conditions);
  }

  private static String condition(String type, String status, String message) {
    return "{type: %s, status: \"%s\", reason: Because, message: \"%s\"}".formatted(type, status, message);
  }

  @Test
  void anActiveReadySeedboxIsHealthy() {
    Health health = CHECK.evaluate(seedbox("Active",
        condition("Ready", "True", "Web UI at https://films.example") + ", " + condition("Paid", "True", "paid")));

    assertThat(health).isEqualTo(new Health("Healthy", "Web UI at https://films.example"));
  }

  @Test
  void anActiveSeedboxThatIsNotReadyIsDegraded() {
    Health health = CHECK.evaluate(seedbox("Active", condition("Ready", "False", "server unreachable")));

    assertThat(health).isEqualTo(new Health("Degraded", "server unreachable"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"Pending", "Provisioning", "Terminating"})
  void seedboxesOnTheirWayAreProgressingWithTheReadyMessage(String phase) {
    Health health = CHECK.evaluate(seedbox(phase, condition("Ready", "False", "creating server")));

    assertThat(health).isEqualTo(new Health("Progressing", "creating server"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"UnknownPlan", "PlanNotOffered", "ProviderNotEnabled", "ClientNotAvailable", "ClientNotOffered",
      "InvalidSpec"})
  void aPendingSeedboxWhoseSpecCanNeverWorkIsDegraded(String reason) {
    Health health = CHECK.evaluate(seedbox("Pending",
        "{type: Ready, status: \"False\", reason: %s, message: \"spec.client: transmission cannot run here\"}"
            .formatted(reason)));

    assertThat(health).isEqualTo(new Health("Degraded", "spec.client: transmission cannot run here"));
  }

  @Test
  void aSeedboxWhoseStoredSpecCannotBeReadIsDegradedBeforeItHasAPhase() {
    Health health = CHECK.evaluate("""
        apiVersion: seedbox.dev/v1alpha1
        kind: Seedbox
        metadata: {name: acme-old, generation: 1}
        spec: {accountRef: acme-media, plan: starter-1tb, provider: inmemory, region: local, client: utorrent}
        status:
          observedGeneration: 1
          conditions:
            - {type: Ready, status: "False", reason: InvalidSpec, message: "spec.client must be one of qbittorrent"}
        """);

    assertThat(health).isEqualTo(new Health("Degraded", "spec.client must be one of qbittorrent"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"AwaitingPayment", "BillingAccountNotFound", "AccountNotReady"})
  void aPendingSeedboxWaitingForWhatResolvesItselfStaysProgressing(String reason) {
    Health health = CHECK.evaluate(seedbox("Pending",
        "{type: Ready, status: \"False\", reason: %s, message: \"waiting\"}".formatted(reason)));

    assertThat(health.status()).isEqualTo("Progressing");
  }

  @Test
  void anUnpaidPendingSeedboxSaysWhatPaymentItWaitsFor() {
    Health health = CHECK.evaluate(seedbox("Pending",
        condition("Ready", "False", "not provisioned") + ", "
            + condition("Paid", "False", "account acme-media has 0 cents, the first period costs 1200")));

    assertThat(health).isEqualTo(new Health("Progressing", "account acme-media has 0 cents, the first period costs 1200"));
  }

  @Test
  void aSuspendedSeedboxIsSuspended() {
    Health health = CHECK.evaluate(seedbox("Suspended",
        condition("Ready", "False", "suspended") + ", " + condition("Paid", "False", "credit ran out")));

    assertThat(health).isEqualTo(new Health("Suspended", "credit ran out"));
  }

  @Test
  void aFailedSeedboxIsDegraded() {
    Health health = CHECK.evaluate(seedbox("Failed", condition("Ready", "False", "provider said 422: bad region")));

    assertThat(health).isEqualTo(new Health("Degraded", "provider said 422: bad region"));
  }

  @Test
  void aTerminatedSeedboxIsDegradedBecauseItCanNoLongerServe() {
    Health health = CHECK.evaluate(seedbox("Terminated", ""));

    assertThat(health).isEqualTo(new Health("Degraded", "status message of Terminated"));
  }

  @Test
  void aPausedSeedboxIsSuspendedWhateverItsPhase() {
    Health health = CHECK.evaluate(seedbox("Active",
        condition("Ready", "True", "ok") + ", " + condition("Paused", "True", "paused by spec.paused")));

    assertThat(health).isEqualTo(new Health("Suspended", "paused by spec.paused"));
  }

  @Test
  void aSeedboxWithoutStatusIsProgressing() {
    Health health = CHECK.evaluate("""
        apiVersion: seedbox.dev/v1alpha1
        kind: Seedbox
        metadata: {name: acme-films, generation: 1}
        spec: {accountRef: acme-media, plan: starter-1tb}
        """);

    assertThat(health.status()).isEqualTo("Progressing");
  }

  @Test
  void aSeedboxWhoseLatestSpecIsNotObservedYetIsProgressingEvenIfItWasReady() {
    String ready = seedbox("Active", condition("Ready", "True", "ok")).replace("generation: 3", "generation: 4");

    assertThat(CHECK.evaluate(ready)).isEqualTo(
        new Health("Progressing", "Waiting for the operator to observe generation 4"));
  }

  @Test
  void anUnknownPhaseIsProgressingRatherThanHealthy() {
    assertThat(CHECK.evaluate(seedbox("Migrating", "")).status()).isEqualTo("Progressing");
  }
}

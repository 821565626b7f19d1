package dev.seedbox.charts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.charts.ArgoCdHealthCheck.Health;
import org.junit.jupiter.api.Test;

class ByosConnectionHealthTest {

  private static final ArgoCdHealthCheck CHECK = ArgoCdHealthCheck.load("byosconnection.lua");
  private static final String COMMAND =
      "curl -fsSL https://seedbox.example/byos/acme-homelab.sh | sh -s -- 'ssh-ed25519 AAAAC3Nz seedbox'";

  private static String connection(String phase, String readyStatus, String readyMessage) {
    return """
        apiVersion: seedbox.dev/v1alpha1
        kind: ByosConnection
        metadata: {name: acme-homelab, generation: 1}
        spec: {host: homelab.acme-media.example, port: 2222, user: seedbox, secretStore: kubernetes}
        status:
          observedGeneration: 1
          phase: %s
          onboardingCommand: "%s"
          conditions:
            - {type: Ready, status: "%s", reason: Checked, message: "%s"}
        """.formatted(phase, COMMAND, readyStatus, readyMessage);
  }

  @Test
  void aConnectionWhoseStoredSpecCannotBeReadIsDegradedBeforeItHasAPhase() {
    Health health = CHECK.evaluate("""
        apiVersion: seedbox.dev/v1alpha1
        kind: ByosConnection
        metadata: {name: acme-homelab, generation: 1}
        spec: {host: homelab.acme-media.example, port: "twenty-two", user: seedbox}
        status:
          observedGeneration: 1
          conditions:
            - {type: Ready, status: "False", reason: InvalidSpec, message: "spec.port must be an integer"}
        """);

    assertThat(health).isEqualTo(new Health("Degraded", "spec.port must be an integer"));
  }

  @Test
  void awaitingAuthorizationIsProgressingAndTellsWhatToRunWhere() {
    Health health = CHECK.evaluate(connection("AwaitingAuthorization", "False", "key not authorized"));

    assertThat(health.status()).isEqualTo("Progressing");
    assertThat(health.message())
        .isEqualTo("Waiting for authorization: run this onboarding command on homelab.acme-media.example: " + COMMAND);
  }

  @Test
  void aConnectedServerIsHealthy() {
    assertThat(CHECK.evaluate(connection("Connected", "True", "SSH login as seedbox works")))
        .isEqualTo(new Health("Healthy", "SSH login as seedbox works"));
  }

  @Test
  void aFailedConnectionIsDegraded() {
    assertThat(CHECK.evaluate(connection("Failed", "False", "host key changed")))
        .isEqualTo(new Health("Degraded", "host key changed"));
  }

  @Test
  void aRevokedConnectionIsSuspended() {
    assertThat(CHECK.evaluate(connection("Revoked", "False", "key removed from authorized_keys")))
        .isEqualTo(new Health("Suspended", "key removed from authorized_keys"));
  }

  @Test
  void aConnectionWithoutStatusIsProgressing() {
    Health health = CHECK.evaluate("""
        apiVersion: seedbox.dev/v1alpha1
        kind: ByosConnection
        metadata: {name: acme-homelab, generation: 1}
        spec: {host: homelab.acme-media.example, user: seedbox}
        """);

    assertThat(health.status()).isEqualTo("Progressing");
  }

  @Test
  void aRotationNotObservedYetIsProgressing() {
    String stale = connection("Connected", "True", "ok").replace("generation: 1", "generation: 2");

    assertThat(CHECK.evaluate(stale).status()).isEqualTo("Progressing");
  }
}

package dev.seedbox.charts;

import static dev.seedbox.charts.RenderedChart.HOOK_PREFIX;
import static dev.seedbox.charts.RenderedChart.elements;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditVerifyHookTest {

  @Test
  void helmTestRunsVerifyAsTheBillingRoleAgainstThePublishedHead() {
    RenderedChart chart = RenderedChart.withHooksVisible();
    JsonNode pod = chart.one("Pod", "seedbox-verify-audit-chain");
    assertThat(pod.path("metadata").path("annotations").path(HOOK_PREFIX).asText()).isEqualTo("test");
    JsonNode container = pod.path("spec").path("containers").get(0);
    assertThat(elements(container.path("args")).map(JsonNode::asText)).containsExactly("verify");
    assertThat(SecretReferencesTest.secretRefs(container)).containsOnly(
        Map.entry("SEEDBOX_DB_USER", "seedbox-database-billing/username"),
        Map.entry("SEEDBOX_DB_PASSWORD", "seedbox-database-billing/password"));
    Map<String, JsonNode> env = RenderedChart.env(container);
    assertThat(env).containsKeys("SEEDBOX_AUDIT_HEAD", "SEEDBOX_AUDIT_UNSEALED_LIMIT");
    assertThat(RenderedChart.defaults().ofKind("Pod")).as("a test hook, not a release object").isEmpty();
  }

  @Test
  void eachServiceConnectsWithItsOwnDatabaseSecret() {
    RenderedChart chart = RenderedChart.defaults();
    assertThat(SecretReferencesTest.secretRefs(chart.container("Deployment", "seedbox-operator")))
        .containsEntry("SEEDBOX_DB_USER", "seedbox-database-operator/username")
        .containsEntry("SEEDBOX_DB_PASSWORD", "seedbox-database-operator/password");
    assertThat(SecretReferencesTest.secretRefs(chart.container("Deployment", "seedbox-billing")))
        .containsEntry("SEEDBOX_DB_USER", "seedbox-database-billing/username")
        .containsEntry("SEEDBOX_DB_PASSWORD", "seedbox-database-billing/password");
  }
}

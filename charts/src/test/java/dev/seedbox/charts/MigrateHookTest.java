package dev.seedbox.charts;

import static dev.seedbox.charts.RenderedChart.HOOK_PREFIX;
import static dev.seedbox.charts.RenderedChart.elements;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MigrateHookTest {

  @Test
  void helmTreatsTheMigrateJobAsAHookNotAsAReleaseObject() {
    // helm-java's template output is the release manifest, which excludes hooks: the Job is absent only if Helm
    // recognised its helm.sh/hook annotation.
    assertThat(RenderedChart.defaults().ofKind("Job")).isEmpty();
    assertThat(RenderedChart.withHooksVisible().ofKind("Job")).hasSize(1);
  }

  @Test
  void migrateRunsBeforeInstallAndUpgradeAndIsReplacedOrRemovedAfterwards() {
    JsonNode annotations = RenderedChart.withHooksVisible().one("Job", "seedbox-migrate")
        .path("metadata").path("annotations");

    assertThat(annotations.path(HOOK_PREFIX).asText()).isEqualTo("pre-install,pre-upgrade");
    assertThat(annotations.path(HOOK_PREFIX + "-delete-policy").asText())
        .isEqualTo("before-hook-creation,hook-succeeded");
  }

  @Test
  void migrateRunsTheOperatorImageWithTheOwnerCredentials() {
    RenderedChart chart = RenderedChart.withHooksVisible();
    JsonNode container = chart.container("Job", "seedbox-migrate");
    Map<String, JsonNode> env = RenderedChart.env(container);

    assertThat(container.path("image").asText()).isEqualTo("ghcr.io/seedbox-dev/seedbox-operator:0.1.0");
    assertThat(elements(container.path("args")).map(JsonNode::asText)).containsExactly("migrate");
    assertThat(env.get("SEEDBOX_DB_URL").path("value").asText())
        .isEqualTo(RenderedChart.env(chart.container("Deployment", "seedbox-operator")).get("SEEDBOX_DB_URL")
            .path("value").asText());
    assertThat(env.get("SEEDBOX_DB_OPERATOR_ROLE").path("value").asText()).isEqualTo("seedbox_operator");
    assertThat(env.get("SEEDBOX_DB_BILLING_ROLE").path("value").asText()).isEqualTo("seedbox_billing");
    assertThat(SecretReferencesTest.secretRefs(container)).containsOnlyKeys(
        "SEEDBOX_DB_OWNER_USER", "SEEDBOX_DB_OWNER_PASSWORD");
    assertThat(chart.podSpec("Job", "seedbox-migrate").path("restartPolicy").asText()).isEqualTo("Never");
    assertThat(chart.podSpec("Job", "seedbox-migrate").path("volumes").toString())
        .as("a pre-install hook cannot mount the chart's ConfigMap, which does not exist yet")
        .doesNotContain("configMap");
  }
}

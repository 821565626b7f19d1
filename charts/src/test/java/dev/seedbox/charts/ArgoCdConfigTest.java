package dev.seedbox.charts;

import static dev.seedbox.charts.RenderedChart.elements;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ArgoCdConfigTest {

  private static final Map<String, String> SCRIPTS = Map.of(
      "resource.customizations.health.seedbox.dev_Seedbox", "seedbox.lua",
      "resource.customizations.health.seedbox.dev_BillingAccount", "billingaccount.lua",
      "resource.customizations.health.seedbox.dev_ByosConnection", "byosconnection.lua");

  @Test
  void argocdConfigMapSnippetEmbedsExactlyTheHealthScripts() throws Exception {
    JsonNode configMap = RenderedChart.YAML.readTree(ArgoCdHealthCheck.directory().resolve("argocd-cm.yaml").toFile());

    assertThat(configMap.path("kind").asText()).isEqualTo("ConfigMap");
    assertThat(configMap.path("metadata").path("name").asText()).isEqualTo("argocd-cm");
    Map<String, String> data = new HashMap<>();
    configMap.path("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
    assertThat(data.keySet()).isEqualTo(SCRIPTS.keySet());
    for (Map.Entry<String, String> script : SCRIPTS.entrySet()) {
      assertThat(data.get(script.getKey()))
          .as("argocd-cm.yaml's %s differs from %s", script.getKey(), script.getValue())
          .isEqualTo(Files.readString(ArgoCdHealthCheck.directory().resolve(script.getValue())));
    }
  }

  @Test
  void controlPlaneApplicationInstallsTheChartWithServerSideApply() throws Exception {
    JsonNode app = application("seedbox-control-plane.yaml");
    JsonNode source = app.path("spec").path("source");

    assertThat(app.path("kind").asText()).isEqualTo("Application");
    assertThat(source.path("path").asText()).isEqualTo("charts/seedbox-control-plane");
    assertThat(RenderedChart.repositoryDir().resolve(source.path("path").asText()).resolve("Chart.yaml")).exists();
    assertThat(source.path("repoURL").asText()).isNotBlank();
    assertAutomatedWithPruneAndSelfHeal(app);
    assertThat(syncOptions(app)).contains("ServerSideApply=true");
  }

  @Test
  void samplesApplicationIncludesOnlyTheSampleResources() throws Exception {
    JsonNode app = application("seedbox-samples.yaml");
    JsonNode source = app.path("spec").path("source");
    String include = source.path("directory").path("include").asText();

    assertThat(source.path("path").asText()).isEqualTo("examples");
    assertThat(include).startsWith("{").endsWith("}");
    Set<String> files = Set.of(include.substring(1, include.length() - 1).split(","));
    assertThat(files).containsExactlyInAnyOrder("billing-account.yaml", "seedbox.yaml", "byos-connection.yaml");
    for (String file : files) {
      Path sample = RenderedChart.repositoryDir().resolve("examples").resolve(file);
      assertThat(sample).exists();
      assertThat(Files.readString(sample)).contains("apiVersion: seedbox.dev/v1alpha1");
    }
    assertAutomatedWithPruneAndSelfHeal(app);
  }

  private static JsonNode application(String file) throws Exception {
    return RenderedChart.YAML.readTree(RenderedChart.repositoryDir().resolve("examples/argocd").resolve(file).toFile());
  }

  private static void assertAutomatedWithPruneAndSelfHeal(JsonNode app) {
    JsonNode automated = app.path("spec").path("syncPolicy").path("automated");
    assertThat(automated.path("prune").asBoolean()).isTrue();
    assertThat(automated.path("selfHeal").asBoolean()).isTrue();
  }

  private static List<String> syncOptions(JsonNode app) {
    return elements(app.path("spec").path("syncPolicy").path("syncOptions"))
        .map(JsonNode::asText).collect(Collectors.toList());
  }
}

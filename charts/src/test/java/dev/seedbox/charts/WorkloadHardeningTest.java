package dev.seedbox.charts;

import static dev.seedbox.charts.RenderedChart.elements;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkloadHardeningTest {

  private static final List<String> DEPLOYMENTS = List.of("seedbox-operator", "seedbox-billing");

  @Test
  void everyPodRunsAsAFixedNonRootUserWithTheRuntimeDefaultSeccompProfile() {
    List<JsonNode> pods = RenderedChart.withHooksVisible().podSpecs().collect(Collectors.toList());

    assertThat(pods).hasSize(4).allSatisfy(pod -> {
      JsonNode security = pod.path("securityContext");
      assertThat(security.path("runAsNonRoot").asBoolean()).isTrue();
      assertThat(security.path("runAsUser").asInt()).isEqualTo(10001);
      assertThat(security.path("runAsGroup").asInt()).isEqualTo(10001);
      assertThat(security.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
    });
  }

  @Test
  void everyContainerIsReadOnlyUnprivilegedAndDropsAllCapabilities() {
    List<JsonNode> containers = RenderedChart.withHooksVisible().podSpecs()
        .flatMap(pod -> elements(pod.path("containers")))
        .collect(Collectors.toList());

    assertThat(containers).hasSize(4).allSatisfy(container -> {
      JsonNode security = container.path("securityContext");
      assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
      assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
      assertThat(security.path("privileged").asBoolean(true)).isFalse();
      assertThat(security.path("runAsNonRoot").asBoolean()).isTrue();
      assertThat(elements(security.path("capabilities").path("drop")).map(JsonNode::asText))
          .containsExactly("ALL");
      assertThat(security.path("capabilities").has("add")).isFalse();
      assertThat(security.path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
    });
  }

  @Test
  void everyPodGetsAWritableTmpBecauseTheRootFilesystemIsReadOnly() {
    RenderedChart.withHooksVisible().podSpecs().forEach(pod -> {
      JsonNode mount = elements(pod.path("containers").get(0).path("volumeMounts"))
          .filter(m -> m.path("mountPath").asText().equals("/tmp"))
          .findFirst().orElseThrow(() -> new AssertionError("no /tmp mount in " + pod));
      JsonNode volume = elements(pod.path("volumes"))
          .filter(v -> v.path("name").asText().equals(mount.path("name").asText()))
          .findFirst().orElseThrow();
      assertThat(volume.has("emptyDir")).isTrue();
      assertThat(mount.path("readOnly").asBoolean(false)).isFalse();
    });
  }

  @Test
  void probesCheckHealthzAndReadyzOnTheConfiguredHttpPort() {
    RenderedChart chart = RenderedChart.defaults();
    for (String name : DEPLOYMENTS) {
      JsonNode container = chart.container("Deployment", name);
      JsonNode port = container.path("ports").get(0);
      assertThat(port.path("name").asText()).isEqualTo("http");
      assertThat(port.path("containerPort").asInt()).isEqualTo(8080);
      assertThat(RenderedChart.env(container).get("SEEDBOX_HTTP_PORT").path("value").asText()).isEqualTo("8080");
      assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/healthz");
      assertThat(container.path("livenessProbe").path("httpGet").path("port").asText()).isEqualTo("http");
      assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");
      assertThat(container.path("readinessProbe").path("httpGet").path("port").asText()).isEqualTo("http");
    }
  }

  @Test
  void everyContainerHasResourceRequestsAndAMemoryLimit() {
    RenderedChart.withHooksVisible().podSpecs().map(pod -> pod.path("containers").get(0)).forEach(container -> {
      JsonNode resources = container.path("resources");
      assertThat(resources.path("requests").path("cpu").asText()).as(container.path("name").asText()).isNotBlank();
      assertThat(resources.path("requests").path("memory").asText()).isNotBlank();
      assertThat(resources.path("limits").path("memory").asText()).isNotBlank();
    });
  }

  @Test
  void operatorRunsOneLeaderElectedReplicaReplacedNotRolled() {
    RenderedChart chart = RenderedChart.defaults();
    JsonNode operator = chart.one("Deployment", "seedbox-operator");
    JsonNode container = chart.container("Deployment", "seedbox-operator");

    assertThat(operator.path("spec").path("replicas").asInt()).isEqualTo(1);
    assertThat(operator.path("spec").path("strategy").path("type").asText()).isEqualTo("Recreate");
    assertThat(RenderedChart.env(container).get("SEEDBOX_LEADER_ELECTION").path("value").asText()).isEqualTo("true");
    assertThat(RenderedChart.env(container).get("SEEDBOX_LEADER_ELECTION_NAMESPACE")
        .path("valueFrom").path("fieldRef").path("fieldPath").asText()).isEqualTo("metadata.namespace");
    assertThat(chart.podSpec("Deployment", "seedbox-operator").path("serviceAccountName").asText())
        .isEqualTo("seedbox-operator");
  }

  @Test
  void billingControllerRunsTwoReplicasCoveredByADisruptionBudget() {
    RenderedChart chart = RenderedChart.defaults();
    JsonNode billing = chart.one("Deployment", "seedbox-billing");
    JsonNode budget = chart.one("PodDisruptionBudget", "seedbox-billing");

    assertThat(billing.path("spec").path("replicas").asInt()).isEqualTo(2);
    assertThat(budget.path("spec").path("maxUnavailable").asInt()).isEqualTo(1);
    assertThat(budget.path("spec").path("selector").path("matchLabels"))
        .isEqualTo(billing.path("spec").path("selector").path("matchLabels"));
    assertThat(billing.path("spec").path("template").path("metadata").path("labels").path("app.kubernetes.io/component")
        .asText()).isEqualTo("billing-controller");
  }

  @Test
  void imagesDefaultToTheAppVersionAndRunTheServices() {
    RenderedChart chart = RenderedChart.defaults();

    assertThat(chart.container("Deployment", "seedbox-operator").path("image").asText())
        .isEqualTo("ghcr.io/seedbox-dev/seedbox-operator:0.1.0");
    assertThat(chart.container("Deployment", "seedbox-billing").path("image").asText())
        .isEqualTo("ghcr.io/seedbox-dev/seedbox-billing-controller:0.1.0");
    for (String name : DEPLOYMENTS) {
      assertThat(elements(chart.container("Deployment", name).path("args")).map(JsonNode::asText))
          .containsExactly("run");
    }
  }

  @Test
  void podsCarryPrometheusScrapeAnnotationsForMetrics() {
    RenderedChart chart = RenderedChart.defaults();
    for (String name : DEPLOYMENTS) {
      JsonNode annotations = chart.one("Deployment", name).path("spec").path("template").path("metadata")
          .path("annotations");
      assertThat(annotations.path("prometheus.io/scrape").asText()).isEqualTo("true");
      assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo("8080");
      assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/metrics");
    }
  }

  @Test
  void serviceMonitorsScrapeBothComponentsWhenEnabled() {
    RenderedChart chart = RenderedChart.with("everything-on.yaml");

    assertThat(chart.ofKind("ServiceMonitor")).hasSize(2).allSatisfy(monitor -> {
      JsonNode selector = monitor.path("spec").path("selector").path("matchLabels");
      String component = selector.path("app.kubernetes.io/component").asText();
      assertThat(chart.ofKind("Service")).anySatisfy(service -> {
        assertThat(service.path("metadata").path("labels").path("app.kubernetes.io/component").asText())
            .isEqualTo(component);
        assertThat(service.path("spec").path("ports").get(0).path("name").asText()).isEqualTo("http");
      });
      assertThat(monitor.path("spec").path("endpoints").get(0).path("path").asText()).isEqualTo("/metrics");
    });
  }

  @Test
  void planCatalogIsTheSampleCatalogMountedWhereTheServicesReadIt() throws Exception {
    RenderedChart chart = RenderedChart.defaults();
    String sample = Files.readString(RenderedChart.repositoryDir().resolve("examples/plans.yaml"));

    assertThat(chart.one("ConfigMap", "seedbox-plans").path("data").path("plans.yaml").asText()).isEqualTo(sample);
    for (String name : DEPLOYMENTS) {
      JsonNode container = chart.container("Deployment", name);
      assertThat(RenderedChart.env(container).get("SEEDBOX_PLAN_CATALOG").path("value").asText())
          .isEqualTo("/etc/seedbox/plans.yaml");
      assertThat(elements(container.path("volumeMounts")))
          .anySatisfy(m -> assertThat(m.path("mountPath").asText()).isEqualTo("/etc/seedbox"));
      assertThat(elements(chart.podSpec("Deployment", name).path("volumes")))
          .anySatisfy(v -> assertThat(v.path("configMap").path("name").asText()).isEqualTo("seedbox-plans"));
    }
  }

  @Test
  void ingressIsOffByDefaultAndExposesOnlyTheWebhookAndTheApi() {
    JsonNode ingress = RenderedChart.with("everything-on.yaml").one("Ingress", "seedbox-billing");
    JsonNode rule = ingress.path("spec").path("rules").get(0);

    assertThat(RenderedChart.defaults().ofKind("Ingress")).isEmpty();
    assertThat(rule.path("host").asText()).isEqualTo("billing.example.com");
    assertThat(elements(rule.path("http").path("paths"))
        .map(p -> p.path("path").asText() + " " + p.path("pathType").asText()))
        .containsExactlyInAnyOrder("/webhooks/coinpayportal Exact", "/v1 Prefix");
    assertThat(elements(rule.path("http").path("paths")))
        .allSatisfy(p -> assertThat(p.path("backend").path("service").path("name").asText())
            .isEqualTo("seedbox-billing"));
    assertThat(ingress.path("spec").path("ingressClassName").asText()).isEqualTo("nginx");
  }

  @Test
  void billingServiceRoutesToTheBillingControllerHttpPort() {
    RenderedChart chart = RenderedChart.defaults();
    JsonNode service = chart.one("Service", "seedbox-billing");

    assertThat(service.path("spec").path("ports").get(0).path("targetPort").asText()).isEqualTo("http");
    assertThat(service.path("spec").path("selector"))
        .isEqualTo(chart.one("Deployment", "seedbox-billing").path("spec").path("selector").path("matchLabels"));
  }

  @Test
  void providersComeFromTheEnabledProviderSwitches() {
    assertThat(RenderedChart.env(RenderedChart.defaults().container("Deployment", "seedbox-operator"))
        .get("SEEDBOX_PROVIDERS").path("value").asText()).isEqualTo("digitalocean,hetzner");
    assertThat(RenderedChart.env(RenderedChart.with("everything-on.yaml").container("Deployment", "seedbox-operator"))
        .get("SEEDBOX_PROVIDERS").path("value").asText()).isEqualTo("digitalocean,hetzner,inmemory");
  }

  @Test
  void renderingRefusesTwoOperatorsWithoutLeaderElection(@TempDir Path dir) throws Exception {
    Path values = Files.writeString(dir.resolve("values.yaml"),
        "operator:\n  replicas: 2\n  leaderElection:\n    enabled: false\n");

    assertThatThrownBy(() -> RenderedChart.withValuesFile(values))
        .hasMessageContaining("operator.replicas > 1 needs operator.leaderElection.enabled");
  }

  @Test
  void renderingRefusesAnOperatorWithoutProviders(@TempDir Path dir) throws Exception {
    Path values = Files.writeString(dir.resolve("values.yaml"),
        "operator:\n  providers:\n    digitalocean:\n      enabled: false\n    hetzner:\n      enabled: false\n");

    assertThatThrownBy(() -> RenderedChart.withValuesFile(values))
        .hasMessageContaining("enable at least one of digitalocean, hetzner, inmemory");
  }
}

package dev.seedbox.charts;

import static dev.seedbox.charts.RenderedChart.elements;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12, attack 7: the chart had no NetworkPolicy; each service now gets only the traffic it needs. */
class NetworkPolicyTest {

  @TempDir
  Path dir;

  @Test
  void everyDeploymentOfTheChartIsSelectedByAPolicyForBothDirections() {
    RenderedChart chart = RenderedChart.defaults();

    for (JsonNode deployment : chart.ofKind("Deployment")) {
      JsonNode podLabels = deployment.path("spec").path("template").path("metadata").path("labels");
      List<JsonNode> selecting = chart.ofKind("NetworkPolicy").stream()
          .filter(p -> selects(p.path("spec").path("podSelector").path("matchLabels"), podLabels))
          .collect(Collectors.toList());
      assertThat(selecting).as(deployment.path("metadata").path("name").asText()).singleElement()
          .satisfies(p -> assertThat(texts(p.path("spec").path("policyTypes"))).containsExactly("Ingress", "Egress"));
    }
  }

  @Test
  void theOperatorAcceptsOnlyScrapesAndReachesOnlyWhatItTalksTo() {
    JsonNode spec = RenderedChart.defaults().one("NetworkPolicy", "seedbox-operator").path("spec");

    assertThat(spec.path("ingress")).hasSize(1);
    assertThat(spec.path("ingress").get(0).path("from").get(0).path("namespaceSelector").path("matchLabels")
        .path("kubernetes.io/metadata.name").asText()).isEqualTo("monitoring");
    assertThat(ports(spec.path("ingress").get(0))).containsExactly("TCP/8080");
    List<JsonNode> egress = elements(spec.path("egress")).collect(Collectors.toList());
    assertThat(egress).extracting(NetworkPolicyTest::ports).containsExactly(
        Set.of("UDP/53", "TCP/53"), Set.of("TCP/5432"), Set.of("TCP/443", "TCP/6443"), Set.of("TCP/443"),
        Set.of("TCP/22"));
    assertThat(egress.get(0).path("to").get(0).path("podSelector").path("matchLabels").path("k8s-app").asText())
        .isEqualTo("kube-dns");
    JsonNode providers = egress.get(3).path("to").get(0).path("ipBlock");
    assertThat(providers.path("cidr").asText()).isEqualTo("0.0.0.0/0");
    assertThat(texts(providers.path("except"))).as("no private ranges, no metadata service")
        .contains("10.0.0.0/8", "169.254.0.0/16");
  }

  @Test
  void theBillingControllerServesItsPortToTheConfiguredSourceAndNeverReachesTheApiServer() {
    JsonNode spec = RenderedChart.defaults().one("NetworkPolicy", "seedbox-billing").path("spec");

    JsonNode api = spec.path("ingress").get(0);
    assertThat(api.path("from").get(0).path("namespaceSelector").path("matchLabels")
        .path("kubernetes.io/metadata.name").asText()).isEqualTo("ingress-nginx");
    assertThat(ports(api)).containsExactly("TCP/8080");
    assertThat(spec.path("ingress").get(1).path("from").get(0).path("namespaceSelector").path("matchLabels")
        .path("kubernetes.io/metadata.name").asText()).isEqualTo("monitoring");
    assertThat(elements(spec.path("egress")).map(NetworkPolicyTest::ports).collect(Collectors.toList()))
        .containsExactly(Set.of("UDP/53", "TCP/53"), Set.of("TCP/5432"), Set.of("TCP/443"));
  }

  @Test
  void sourcesCidrsAndPortsComeFromValues() throws Exception {
    Path values = Files.writeString(dir.resolve("values.yaml"), """
        httpPort: 9090
        vault:
          enabled: true
          address: https://vault.internal:8200
        networkPolicy:
          metricsNamespace: observability
          billingIngress:
            from:
              - ipBlock: {cidr: 203.0.113.0/24}
          database: {cidrs: [10.20.0.5/32], port: 6432}
          apiServer: {cidrs: [10.96.0.1/32], ports: [443]}
          ssh: {cidrs: [198.51.100.0/24], except: [], ports: [22, 2222]}
          vault: {cidrs: [10.30.0.0/16], port: 8200}
        """);
    RenderedChart chart = RenderedChart.withValuesFile(values);
    JsonNode operator = chart.one("NetworkPolicy", "seedbox-operator").path("spec");
    JsonNode billing = chart.one("NetworkPolicy", "seedbox-billing").path("spec");

    assertThat(billing.path("ingress").get(0).path("from").get(0).path("ipBlock").path("cidr").asText())
        .isEqualTo("203.0.113.0/24");
    assertThat(ports(billing.path("ingress").get(0))).containsExactly("TCP/9090");
    assertThat(operator.path("ingress").get(0).path("from").get(0).path("namespaceSelector").path("matchLabels")
        .path("kubernetes.io/metadata.name").asText()).isEqualTo("observability");
    List<JsonNode> egress = elements(operator.path("egress")).collect(Collectors.toList());
    assertThat(egress.get(1).path("to").get(0).path("ipBlock").path("cidr").asText()).isEqualTo("10.20.0.5/32");
    assertThat(ports(egress.get(1))).containsExactly("TCP/6432");
    assertThat(egress.get(2).path("to").get(0).path("ipBlock").path("cidr").asText()).isEqualTo("10.96.0.1/32");
    assertThat(ports(egress.get(4))).containsExactlyInAnyOrder("TCP/22", "TCP/2222");
    assertThat(egress.get(4).path("to").get(0).path("ipBlock").has("except")).isFalse();
    assertThat(egress).hasSize(6);
    assertThat(ports(egress.get(5))).containsExactly("TCP/8200");
    assertThat(egress.get(5).path("to").get(0).path("ipBlock").path("cidr").asText()).isEqualTo("10.30.0.0/16");
  }

  @Test
  void canBeTurnedOff() throws Exception {
    Path values = Files.writeString(dir.resolve("values.yaml"), "networkPolicy:\n  enabled: false\n");

    assertThat(RenderedChart.withValuesFile(values).ofKind("NetworkPolicy")).isEmpty();
  }

  private static boolean selects(JsonNode matchLabels, JsonNode podLabels) {
    if (!matchLabels.isObject() || matchLabels.isEmpty()) {
      return false;
    }
    return matchLabels.properties().stream()
        .allMatch(e -> e.getValue().asText().equals(podLabels.path(e.getKey()).asText(null)));
  }

  private static Set<String> ports(JsonNode rule) {
    return elements(rule.path("ports"))
        .map(p -> p.path("protocol").asText() + "/" + p.path("port").asText())
        .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
  }

  private static List<String> texts(JsonNode array) {
    return elements(array).map(JsonNode::asText).collect(Collectors.toList());
  }
}

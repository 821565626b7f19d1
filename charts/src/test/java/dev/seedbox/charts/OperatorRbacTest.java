package dev.seedbox.charts;

import static dev.seedbox.charts.RenderedChart.elements;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class OperatorRbacTest {

  private static final String OPERATOR_SA = "seedbox-operator";
  private static final String BILLING_SA = "seedbox-billing";

  /**
   * apiGroup/resource -> verbs, exactly what the reconcilers call (derived from the recorded API calls by
   * operator/src/test/java/dev/seedbox/operator/rbac/OperatorRbacMatchesChartTest; kept here so a chart change that
   * widens a grant fails in this module too).
   */
  private static final Map<String, Set<String>> OPERATOR_GRANTS = new TreeMap<>(Map.ofEntries(
      Map.entry("seedbox.dev/seedboxes", Set.of("list", "watch", "patch")),
      Map.entry("seedbox.dev/billingaccounts", Set.of("list", "watch", "patch")),
      Map.entry("seedbox.dev/byosconnections", Set.of("list", "watch", "patch")),
      Map.entry("seedbox.dev/seedboxes/status", Set.of("patch")),
      Map.entry("seedbox.dev/billingaccounts/status", Set.of("patch")),
      Map.entry("seedbox.dev/byosconnections/status", Set.of("patch")),
      Map.entry("seedbox.dev/seedboxes/finalizers", Set.of("update")),
      Map.entry("/events", Set.of("create")),
      Map.entry("/secrets", Set.of("get", "create", "update", "delete"))));

  /** Issue 12, attack 7: list/watch on Secrets everywhere let the operator read every Secret of the cluster. */
  @Test
  void theOperatorCanNeitherListNorWatchSecretsInAnyRendering() {
    for (RenderedChart chart : List.of(RenderedChart.defaults(), RenderedChart.with("namespaced.yaml"))) {
      List<JsonNode> operatorRoles = roles(chart)
          .filter(r -> r.path("metadata").path("name").asText().equals("seedbox-operator"))
          .collect(Collectors.toList());
      assertThat(operatorRoles).isNotEmpty().allSatisfy(role -> assertThat(grants(role).get("/secrets"))
          .doesNotContain("list", "watch", "*"));
    }
  }

  @Test
  void noRuleInAnyRenderingUsesAWildcard() {
    for (RenderedChart chart : List.of(RenderedChart.defaults(), RenderedChart.with("namespaced.yaml"),
        RenderedChart.with("everything-on.yaml"), RenderedChart.with("vault.yaml"))) {
      List<String> wildcards = roles(chart)
          .flatMap(role -> elements(role.path("rules")))
          .flatMap(rule -> Stream.of("verbs", "resources", "apiGroups", "resourceNames", "nonResourceURLs")
              .flatMap(field -> elements(rule.path(field)).map(JsonNode::asText)))
          .filter(value -> value.contains("*"))
          .collect(Collectors.toList());
      assertThat(wildcards).isEmpty();
      assertThat(roles(chart)).allSatisfy(role -> assertThat(role.path("rules").size()).isPositive());
    }
  }

  @Test
  void clusterRoleGrantsExactlyTheVerbsTheOperatorUses() {
    JsonNode clusterRole = RenderedChart.defaults().one("ClusterRole", "seedbox-operator");

    assertThat(grants(clusterRole)).isEqualTo(OPERATOR_GRANTS);
    assertThat(grants(clusterRole)).doesNotContainKey("apiextensions.k8s.io/customresourcedefinitions");
  }

  @Test
  void aBaseDomainAddsExactlyTheDnsEndpointVerbsAndTheHttpsVariables() {
    RenderedChart chart = RenderedChart.with("https.yaml");
    Map<String, Set<String>> expected = new TreeMap<>(OPERATOR_GRANTS);
    expected.put("externaldns.k8s.io/dnsendpoints", Set.of("get", "create", "update", "delete"));

    assertThat(grants(chart.one("ClusterRole", "seedbox-operator"))).isEqualTo(expected);
    Map<String, JsonNode> env = RenderedChart.env(chart.container("Deployment", "seedbox-operator"));
    assertThat(env.get("SEEDBOX_BASE_DOMAIN").path("value").asText()).isEqualTo("boxes.example.com");
    assertThat(env.get("SEEDBOX_ACME_EMAIL").path("value").asText()).isEqualTo("ops@example.com");
    assertThat(env.get("SEEDBOX_ACME_DIRECTORY").path("value").asText())
        .isEqualTo("https://acme-v02.api.letsencrypt.org/directory");
    assertThat(RenderedChart.env(RenderedChart.defaults().container("Deployment", "seedbox-operator")))
        .doesNotContainKeys("SEEDBOX_BASE_DOMAIN", "SEEDBOX_ACME_EMAIL");
  }

  @Test
  void clusterRoleIsBoundToTheOperatorOnly() {
    JsonNode binding = RenderedChart.defaults().one("ClusterRoleBinding", "seedbox-operator");

    assertThat(binding.path("roleRef").path("kind").asText()).isEqualTo("ClusterRole");
    assertThat(binding.path("roleRef").path("name").asText()).isEqualTo("seedbox-operator");
    assertThat(subjects(binding)).containsExactly("ServiceAccount seedbox-system/" + OPERATOR_SA);
  }

  @Test
  void leaseAccessIsANamespacedRoleWithWhatJosdkChecksAndFabric8Uses() {
    RenderedChart chart = RenderedChart.defaults();
    JsonNode role = chart.one("Role", "seedbox-operator-leader-election");

    assertThat(role.path("metadata").path("namespace").asText()).isEqualTo(RenderedChart.NAMESPACE);
    assertThat(grants(role)).isEqualTo(Map.of("coordination.k8s.io/leases", Set.of("get", "create", "update", "patch")));
    assertThat(subjects(chart.one("RoleBinding", "seedbox-operator-leader-election")))
        .containsExactly("ServiceAccount seedbox-system/" + OPERATOR_SA);
  }

  @Test
  void leaseRoleFollowsAnExplicitLeaderElectionNamespace() {
    RenderedChart chart = RenderedChart.with("everything-on.yaml");

    assertThat(chart.one("Role", "seedbox-operator-leader-election").path("metadata").path("namespace").asText())
        .isEqualTo("seedbox-leases");
    JsonNode env = RenderedChart.env(chart.container("Deployment", "seedbox-operator"))
        .get("SEEDBOX_LEADER_ELECTION_NAMESPACE");
    assertThat(env.path("value").asText()).isEqualTo("seedbox-leases");
  }

  @Test
  void leaderElectionPermissionCheckMayOnlyCreateSelfSubjectRulesReviews() {
    RenderedChart chart = RenderedChart.defaults();

    assertThat(grants(chart.one("ClusterRole", "seedbox-operator-access-review")))
        .isEqualTo(Map.of("authorization.k8s.io/selfsubjectrulesreviews", Set.of("create")));
    assertThat(subjects(chart.one("ClusterRoleBinding", "seedbox-operator-access-review")))
        .containsExactly("ServiceAccount seedbox-system/" + OPERATOR_SA);
  }

  @Test
  void watchNamespacesGrantsARolePerNamespaceAndNothingClusterWideOnTheResources() {
    RenderedChart chart = RenderedChart.with("namespaced.yaml");

    assertThat(chart.has("ClusterRole", "seedbox-operator")).isFalse();
    assertThat(chart.has("ClusterRoleBinding", "seedbox-operator")).isFalse();
    List<JsonNode> roles = chart.ofKind("Role").stream()
        .filter(r -> r.path("metadata").path("name").asText().equals("seedbox-operator"))
        .collect(Collectors.toList());
    assertThat(roles).extracting(r -> r.path("metadata").path("namespace").asText())
        .containsExactlyInAnyOrder("tenant-a", "tenant-b");
    assertThat(roles).allSatisfy(role -> assertThat(grants(role)).isEqualTo(OPERATOR_GRANTS));
    List<JsonNode> bindings = chart.ofKind("RoleBinding").stream()
        .filter(r -> r.path("metadata").path("name").asText().equals("seedbox-operator"))
        .collect(Collectors.toList());
    assertThat(bindings).hasSize(2).allSatisfy(binding -> {
      assertThat(binding.path("roleRef").path("kind").asText()).isEqualTo("Role");
      assertThat(subjects(binding)).containsExactly("ServiceAccount seedbox-system/" + OPERATOR_SA);
    });
    assertThat(RenderedChart.env(chart.container("Deployment", "seedbox-operator"))
        .get("SEEDBOX_WATCH_NAMESPACES").path("value").asText()).isEqualTo("tenant-a,tenant-b");
    assertThat(RenderedChart.env(RenderedChart.defaults().container("Deployment", "seedbox-operator")))
        .as("all namespaces is the variable's default, so it is left unset").doesNotContainKey("SEEDBOX_WATCH_NAMESPACES");
  }

  @Test
  void billingControllerHasNoKubernetesApiAccess() {
    for (RenderedChart chart : List.of(RenderedChart.defaults(), RenderedChart.with("everything-on.yaml"))) {
      JsonNode account = chart.one("ServiceAccount", BILLING_SA);
      assertThat(account.path("automountServiceAccountToken").asBoolean(true)).isFalse();
      assertThat(chart.podSpec("Deployment", "seedbox-billing").path("automountServiceAccountToken").asBoolean(true))
          .isFalse();
      List<String> boundAccounts = Stream.concat(chart.ofKind("RoleBinding").stream(),
              chart.ofKind("ClusterRoleBinding").stream())
          .flatMap(b -> subjects(b).stream())
          .collect(Collectors.toList());
      assertThat(boundAccounts).isNotEmpty().allMatch(s -> s.endsWith("/" + OPERATOR_SA));
    }
  }

  @Test
  void migrateJobRunsWithoutAKubernetesToken() {
    JsonNode pod = RenderedChart.withHooksVisible().podSpec("Job", "seedbox-migrate");

    assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isFalse();
    assertThat(pod.has("serviceAccountName")).as("a pre-install hook runs before the chart's accounts exist").isFalse();
  }

  private static Stream<JsonNode> roles(RenderedChart chart) {
    return Stream.concat(chart.ofKind("Role").stream(), chart.ofKind("ClusterRole").stream());
  }

  /** apiGroup/resource -> verbs; fails if two rules grant the same resource (a sign of a sloppy merge). */
  private static Map<String, Set<String>> grants(JsonNode role) {
    Map<String, Set<String>> grants = new TreeMap<>();
    for (JsonNode rule : role.path("rules")) {
      Set<String> verbs = elements(rule.path("verbs")).map(JsonNode::asText).collect(Collectors.toCollection(TreeSet::new));
      for (JsonNode group : rule.path("apiGroups")) {
        for (JsonNode resource : rule.path("resources")) {
          Set<String> previous = grants.put(group.asText() + "/" + resource.asText(), verbs);
          assertThat(previous).as("%s granted twice", resource.asText()).isNull();
        }
      }
    }
    return grants;
  }

  private static List<String> subjects(JsonNode binding) {
    return elements(binding.path("subjects"))
        .map(s -> s.path("kind").asText() + " " + s.path("namespace").asText() + "/" + s.path("name").asText())
        .collect(Collectors.toList());
  }
}

package dev.seedbox.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, attack 7: the operator's Secret grants let it create a service-account-token Secret for any
 * ServiceAccount and write any Secret. The chart's ValidatingAdmissionPolicy, evaluated with CEL on requests like the
 * API server's, lets the operator's ServiceAccount write only the Secrets it makes.
 */
class SecretsAdmissionPolicyTest {

  private static final String OPERATOR = "system:serviceaccount:seedbox-system:seedbox-operator";
  private static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  private final RenderedChart chart = RenderedChart.defaults();
  private final AdmissionPolicy policy = new AdmissionPolicy(
      chart.one("ValidatingAdmissionPolicy", "seedbox-operator-secrets"));

  @Test
  void isBoundToDenyAndCoversEveryWriteOfASecret() {
    JsonNode rendered = chart.one("ValidatingAdmissionPolicy", "seedbox-operator-secrets");
    JsonNode binding = chart.one("ValidatingAdmissionPolicyBinding", "seedbox-operator-secrets");

    assertThat(rendered.path("apiVersion").asText()).isEqualTo("admissionregistration.k8s.io/v1");
    assertThat(binding.path("apiVersion").asText()).isEqualTo("admissionregistration.k8s.io/v1");
    assertThat(binding.path("spec").path("policyName").asText()).isEqualTo("seedbox-operator-secrets");
    assertThat(RenderedChart.elements(binding.path("spec").path("validationActions")).map(JsonNode::asText))
        .containsExactly("Deny");
    assertThat(rendered.path("spec").path("failurePolicy").asText()).isEqualTo("Fail");
    assertThat(policy.operations()).containsExactlyInAnyOrder("CREATE", "UPDATE", "DELETE");
    assertThat(rendered.path("spec").path("matchConstraints").path("resourceRules").get(0).path("resources").get(0)
        .asText()).isEqualTo("secrets");
  }

  @Test
  void theOperatorCannotMintAServiceAccountToken() throws Exception {
    JsonNode token = secret("kubernetes.io/service-account-token", Map.of(MANAGED_BY, "seedbox-operator"));

    assertThat(policy.denies(OPERATOR, "CREATE", token, null)).get().asString()
        .contains("kubernetes.io/ssh-auth", "Opaque");
  }

  @Test
  void theOperatorWritesOnlyLabelledSecretsOfItsTwoTypes() throws Exception {
    JsonNode key = secret("kubernetes.io/ssh-auth", Map.of(MANAGED_BY, "seedbox-operator"));
    JsonNode webUi = secret("Opaque", Map.of(MANAGED_BY, "seedbox-operator"));
    JsonNode foreign = secret("Opaque", Map.of());
    JsonNode helms = secret("Opaque", Map.of(MANAGED_BY, "Helm"));
    JsonNode dockerConfig = secret("kubernetes.io/dockerconfigjson", Map.of(MANAGED_BY, "seedbox-operator"));

    assertThat(policy.denies(OPERATOR, "CREATE", key, null)).isEmpty();
    assertThat(policy.denies(OPERATOR, "CREATE", webUi, null)).isEmpty();
    assertThat(policy.denies(OPERATOR, "UPDATE", webUi, webUi)).isEmpty();
    assertThat(policy.denies(OPERATOR, "DELETE", null, key)).isEmpty();

    assertThat(policy.denies(OPERATOR, "CREATE", foreign, null)).get().asString().contains(MANAGED_BY);
    assertThat(policy.denies(OPERATOR, "CREATE", dockerConfig, null)).isPresent();
    assertThat(policy.denies(OPERATOR, "DELETE", null, foreign)).as("a Secret it did not make").isPresent();
    assertThat(policy.denies(OPERATOR, "DELETE", null, helms)).isPresent();
    assertThat(policy.denies(OPERATOR, "UPDATE", webUi, foreign)).as("labelling someone else's Secret as ours")
        .get().asString().contains("only update Secrets it created");
  }

  @Test
  void appliesToTheOperatorsServiceAccountOnly() throws Exception {
    JsonNode token = secret("kubernetes.io/service-account-token", Map.of());

    assertThat(policy.denies("system:serviceaccount:kube-system:replicaset-controller", "CREATE", token, null))
        .isEmpty();
    assertThat(policy.denies("system:serviceaccount:other:seedbox-operator", "DELETE", null, token)).isEmpty();
    assertThat(policy.denies(OPERATOR, "DELETE", null, token)).isPresent();
  }

  @Test
  void canBeLeftOutWhereAdmissionPoliciesCannotBeInstalled() throws Exception {
    java.nio.file.Path values = java.nio.file.Files.createTempFile("values", ".yaml");
    java.nio.file.Files.writeString(values, "operator:\n  secretsAdmissionPolicy:\n    enabled: false\n");
    RenderedChart without = RenderedChart.withValuesFile(values);

    assertThat(without.ofKind("ValidatingAdmissionPolicy")).isEmpty();
    assertThat(without.ofKind("ValidatingAdmissionPolicyBinding")).isEmpty();
  }

  private static JsonNode secret(String type, Map<String, String> labels) {
    ObjectNode secret = RenderedChart.YAML.createObjectNode();
    secret.put("apiVersion", "v1").put("kind", "Secret").put("type", type);
    ObjectNode metadata = secret.putObject("metadata").put("name", "s").put("namespace", "tenant");
    if (!labels.isEmpty()) {
      ObjectNode l = metadata.putObject("labels");
      labels.forEach(l::put);
    }
    return secret;
  }
}

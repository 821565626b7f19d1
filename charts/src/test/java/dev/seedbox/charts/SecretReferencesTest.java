package dev.seedbox.charts;

import static dev.seedbox.charts.RenderedChart.elements;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chart against docs/configuration.md: documented variable names, Secrets only by reference. */
class SecretReferencesTest {

  private static final ConfigurationContract CONTRACT = ConfigurationContract.read();
  /** Variables whose values are credentials or identify the database user; never a literal in a manifest. */
  private static final Pattern SECRET_VARIABLE =
      Pattern.compile("SEEDBOX_.*(TOKEN|PASSWORD|SECRET|SECRET_PREVIOUS|API_KEY|BUSINESS_ID|_USER)$");

  private static List<RenderedChart> renderings() {
    return List.of(RenderedChart.withHooksVisible(), RenderedChart.with("vault.yaml"),
        RenderedChart.with("everything-on.yaml"), RenderedChart.with("namespaced.yaml"));
  }

  private static Stream<JsonNode> containers(RenderedChart chart) {
    return chart.podSpecs().flatMap(pod -> elements(pod.path("containers")));
  }

  private static Stream<JsonNode> envEntries(RenderedChart chart) {
    return containers(chart).flatMap(c -> elements(c.path("env")));
  }

  @Test
  void everySeedboxVariableTheChartSetsIsDocumented() {
    for (RenderedChart chart : renderings()) {
      Set<String> names = envEntries(chart).map(e -> e.path("name").asText())
          .filter(n -> n.startsWith("SEEDBOX_")).collect(Collectors.toSet());
      assertThat(names).isNotEmpty();
      assertThat(CONTRACT.variables()).containsAll(names);
    }
  }

  @Test
  void everySecretKeyRefNamesADocumentedSecretAndKey() {
    for (RenderedChart chart : renderings()) {
      List<JsonNode> refs = envEntries(chart)
          .map(e -> e.path("valueFrom").path("secretKeyRef"))
          .filter(JsonNode::isObject)
          .collect(Collectors.toList());
      assertThat(refs).isNotEmpty().allSatisfy(ref -> {
        String secret = ref.path("name").asText();
        assertThat(CONTRACT.secrets()).containsKey(secret);
        assertThat(CONTRACT.secrets().get(secret)).contains(ref.path("key").asText());
      });
    }
  }

  @Test
  void credentialsAreNeverLiteralValues() {
    for (RenderedChart chart : renderings()) {
      List<JsonNode> secretVariables = envEntries(chart)
          .filter(e -> SECRET_VARIABLE.matcher(e.path("name").asText()).matches())
          .collect(Collectors.toList());
      assertThat(secretVariables).isNotEmpty().allSatisfy(e -> {
        assertThat(e.has("value")).as(e.path("name").asText()).isFalse();
        assertThat(e.path("valueFrom").path("secretKeyRef").isObject()).as(e.path("name").asText()).isTrue();
      });
      assertThat(chart.ofKind("Secret")).isEmpty();
    }
  }

  @Test
  void valuesFileHoldsNoSecretValues() throws Exception {
    String values = Files.readString(RenderedChart.chartDir().resolve("values.yaml"));

    assertThat(values).doesNotContainPattern("(?im)^\\s*(password|token|apiKey|api-key|webhookSecret)\\s*:");
  }

  @Test
  void eachComponentReadsExactlyItsOwnSecrets() {
    RenderedChart chart = RenderedChart.withHooksVisible();

    assertThat(secretRefs(chart.container("Deployment", "seedbox-operator"))).isEqualTo(Map.of(
        "SEEDBOX_DB_USER", "seedbox-database-operator/username",
        "SEEDBOX_DB_PASSWORD", "seedbox-database-operator/password",
        "SEEDBOX_DIGITALOCEAN_TOKEN", "seedbox-digitalocean/token",
        "SEEDBOX_HETZNER_TOKEN", "seedbox-hetzner/token"));
    assertThat(secretRefs(chart.container("Deployment", "seedbox-billing"))).isEqualTo(Map.of(
        "SEEDBOX_DB_USER", "seedbox-database-billing/username",
        "SEEDBOX_DB_PASSWORD", "seedbox-database-billing/password",
        "SEEDBOX_API_TOKEN", "seedbox-api-token/token",
        "SEEDBOX_COINPAYPORTAL_API_KEY", "seedbox-coinpayportal/api-key",
        "SEEDBOX_COINPAYPORTAL_BUSINESS_ID", "seedbox-coinpayportal/business-id",
        "SEEDBOX_COINPAYPORTAL_WEBHOOK_SECRET", "seedbox-coinpayportal/webhook-secret",
        "SEEDBOX_COINPAYPORTAL_WEBHOOK_SECRET_PREVIOUS", "seedbox-coinpayportal/webhook-secret-previous"));
    assertThat(secretRefs(chart.container("Job", "seedbox-migrate"))).isEqualTo(Map.of(
        "SEEDBOX_DB_OWNER_USER", "seedbox-database-owner/username",
        "SEEDBOX_DB_OWNER_PASSWORD", "seedbox-database-owner/password"));
  }

  @Test
  void onlyThePreviousWebhookSecretIsOptional() {
    List<String> optional = envEntries(RenderedChart.withHooksVisible())
        .filter(e -> e.path("valueFrom").path("secretKeyRef").path("optional").asBoolean(false))
        .map(e -> e.path("name").asText())
        .collect(Collectors.toList());

    assertThat(optional).containsExactly("SEEDBOX_COINPAYPORTAL_WEBHOOK_SECRET_PREVIOUS");
  }

  @Test
  void aDisabledProviderNeedsNoTokenSecret(@TempDir Path dir) throws Exception {
    Path values = Files.writeString(dir.resolve("values.yaml"),
        "operator:\n  providers:\n    hetzner:\n      enabled: false\n");
    Map<String, JsonNode> env = RenderedChart.env(RenderedChart.withValuesFile(values)
        .container("Deployment", "seedbox-operator"));

    assertThat(env).doesNotContainKeys("SEEDBOX_HETZNER_TOKEN", "SEEDBOX_HETZNER_API_URL");
    assertThat(env.get("SEEDBOX_PROVIDERS").path("value").asText()).isEqualTo("digitalocean");
    assertThat(env.get("SEEDBOX_DIGITALOCEAN_API_URL").path("value").asText()).isEqualTo("https://api.digitalocean.com");
    assertThat(env.get("SEEDBOX_DIGITALOCEAN_TOKEN").path("valueFrom").path("secretKeyRef").path("name").asText())
        .isEqualTo("seedbox-digitalocean");
  }

  static Map<String, String> secretRefs(JsonNode container) {
    return elements(container.path("env"))
        .filter(e -> e.path("valueFrom").path("secretKeyRef").isObject())
        .collect(Collectors.toMap(e -> e.path("name").asText(), e -> {
          JsonNode ref = e.path("valueFrom").path("secretKeyRef");
          return ref.path("name").asText() + "/" + ref.path("key").asText();
        }));
  }
}

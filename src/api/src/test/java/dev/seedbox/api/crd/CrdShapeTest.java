package dev.seedbox.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What kubectl users rely on: names, scope, the status subresource and the columns they see. */
class CrdShapeTest {

  @ParameterizedTest
  @CsvSource({
      "seedboxes, Seedbox, sb, Phase",
      "billingaccounts, BillingAccount, ba, State",
      "byosconnections, ByosConnection, byos, Phase"})
  void namesScopeStatusAndColumns(String plural, String kind, String shortName, String stateColumn) {
    JsonNode crd = GeneratedCrds.crd(plural);
    assertThat(crd.at("/metadata/name").asText()).isEqualTo(plural + ".seedbox.dev");
    assertThat(crd.at("/spec/group").asText()).isEqualTo("seedbox.dev");
    assertThat(crd.at("/spec/scope").asText()).isEqualTo("Namespaced");
    assertThat(crd.at("/spec/names/kind").asText()).isEqualTo(kind);
    assertThat(texts(crd.at("/spec/names/shortNames"))).containsExactly(shortName);
    assertThat(texts(crd.at("/spec/names/categories"))).containsExactly("seedbox-all");
    // kubectl expands categories first: one equal to a kind's name would turn `kubectl delete seedbox --all` into a
    // delete of every kind in it
    for (String other : List.of("seedboxes", "billingaccounts", "byosconnections")) {
      JsonNode names = GeneratedCrds.crd(other).at("/spec/names");
      assertThat(List.of(names.path("singular").asText(), names.path("plural").asText(), names.path("kind").asText()
          .toLowerCase(java.util.Locale.ROOT))).doesNotContain("seedbox-all");
      assertThat(texts(names.path("shortNames"))).doesNotContain("seedbox-all");
    }

    JsonNode version = crd.at("/spec/versions/0");
    assertThat(version.path("name").asText()).isEqualTo("v1alpha1");
    assertThat(version.at("/subresources/status").isObject()).as("status subresource").isTrue();
    List<String> columns = new ArrayList<>();
    version.path("additionalPrinterColumns").forEach(c -> columns.add(c.path("name").asText()));
    assertThat(columns).contains(stateColumn, "Ready", "Age");

    JsonNode status = version.at("/schema/openAPIV3Schema/properties/status/properties");
    assertThat(status.has("observedGeneration")).isTrue();
    assertThat(status.at("/conditions/items/properties").has("lastTransitionTime")).isTrue();
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}

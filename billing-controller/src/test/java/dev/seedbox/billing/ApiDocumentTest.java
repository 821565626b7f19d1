package dev.seedbox.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /v1/openapi.json} is served without a token and describes exactly the operations the router serves. */
class ApiDocumentTest {

  @RegisterExtension
  static final RunningBillingController billing = new RunningBillingController(2);

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theDocumentDescribesExactlyTheServedOperations() throws Exception {
    HttpResponse<String> answer = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(billing.url("/v1/openapi.json")).GET().build(), HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("content-type")).contains("application/json");
    JsonNode document = JSON.readTree(answer.body());
    assertThat(document.path("openapi").asText()).startsWith("3.");
    List<String> documented = new ArrayList<>();
    document.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(
        method -> documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey())));

    assertThat(documented).containsExactlyInAnyOrderElementsOf(billing.app.server().apiOperations());
    assertThat(billing.app.server().apiOperations()).contains("POST /v1/accounts/{namespace}/{name}/topups",
        "GET /v1/accounts/{namespace}/{name}");
  }

  @Test
  void everyOperationSaysWhatItAnswersAndTheSchemesItNamesExist() throws Exception {
    JsonNode document = JSON.readTree(HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(billing.url("/v1/openapi.json")).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body());

    document.path("paths").forEach(path -> path.forEach(operation ->
        assertThat(operation.path("responses").size()).as(operation.path("summary").asText()).isPositive()));
    assertThat(document.at("/components/securitySchemes/bearer/scheme").asText()).isEqualTo("bearer");
    List<String> refs = new ArrayList<>();
    collectRefs(document, refs);
    for (String ref : refs) {
      assertThat(document.at(ref.substring(1)).isMissingNode()).as("%s points nowhere", ref).isFalse();
    }
  }

  private static void collectRefs(JsonNode node, List<String> refs) {
    if (node.has("$ref")) {
      refs.add(node.get("$ref").asText());
    }
    node.forEach(child -> collectRefs(child, refs));
  }
}

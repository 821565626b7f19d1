package dev.seedbox.devsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** What fieldValidation=Strict refuses: fields the schema does not declare, wherever they are. */
class UnknownFieldsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String SCHEMA = """
      {"type": "object", "properties": {
        "spec": {"type": "object", "properties": {
          "plan": {"type": "string"},
          "ports": {"type": "array", "items": {"type": "object", "properties": {"port": {"type": "integer"}}}},
          "labels": {"type": "object", "additionalProperties": {"type": "string"}},
          "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}},
        "status": {"type": "object", "properties": {"phase": {"type": "string"}}}}}
      """;

  @Test
  void namesEachUndeclaredFieldByItsPath() throws IOException {
    JsonNode object = JSON.readTree("""
        {"apiVersion": "example.dev/v1", "kind": "Box", "metadata": {"name": "box", "anything": 1},
         "spec": {"plna": "x", "plan": "y", "ports": [{"port": 22}, {"port": 80, "protocol": "TCP"}],
                  "labels": {"any": "thing"}, "extra": {"free": {"form": true}}},
         "stauts": {}}
        """);

    assertThat(UnknownFields.in(object, JSON.readTree(SCHEMA)))
        .containsExactly("spec.plna", "spec.ports[1].protocol", "stauts");
  }

  @Test
  void aDeclaredObjectHasNone() throws IOException {
    JsonNode object = JSON.readTree("{\"spec\": {\"plan\": \"y\", \"ports\": []}, \"status\": {\"phase\": \"A\"}}");

    assertThat(UnknownFields.in(object, JSON.readTree(SCHEMA))).isEmpty();
  }
}

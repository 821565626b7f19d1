package dev.seedbox.devsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Server-side apply's merge and field ownership, on the list types our kubectl tests' CRDs do not have. */
class ServerSideApplyTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ServerSideApply APPLY = new ServerSideApply(JSON,
      Clock.fixed(Instant.parse("2026-01-02T03:04:05.678Z"), ZoneOffset.UTC));

  /** spec.ports is keyed by port, spec.tags is a set, spec.args is atomic. */
  private static final JsonNode SCHEMA = json("""
      {"type": "object", "properties": {"spec": {"type": "object", "properties": {
        "ports": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["port"],
                  "items": {"type": "object", "properties": {"port": {"type": "integer"},
                                                             "name": {"type": "string"}}}},
        "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
        "args": {"type": "array", "items": {"type": "string"}},
        "plan": {"type": "string"}}}}}
      """);

  @Test
  void createsWithTheManagersFieldsRecorded() {
    ObjectNode created = merged(null, config("""
        {"spec": {"plan": "starter", "ports": [{"port": 22, "name": "ssh"}], "tags": ["a"]}}"""), "kubectl");

    assertThat(created.path("spec").path("plan").asText()).isEqualTo("starter");
    JsonNode entry = created.path("metadata").path("managedFields").get(0);
    assertThat(entry.path("manager").asText()).isEqualTo("kubectl");
    assertThat(entry.path("operation").asText()).isEqualTo("Apply");
    assertThat(entry.path("time").asText()).isEqualTo("2026-01-02T03:04:05Z");
    assertThat(entry.path("fieldsV1")).isEqualTo(json("""
        {"f:spec": {"f:plan": {}, "f:ports": {"k:{\\"port\\":22}": {".": {}, "f:port": {}, "f:name": {}}},
                    "f:tags": {"v:\\"a\\"": {}}}}"""));
  }

  @Test
  void keyedListsMergeByKeySetsByElementAndOtherListsAreReplaced() {
    ObjectNode stored = merged(null, config("""
        {"spec": {"ports": [{"port": 22, "name": "ssh"}], "tags": ["a"], "args": ["-v"]}}"""), "one");

    // forced: port 22's name and the args are the first manager's
    ServerSideApply.Outcome outcome = APPLY.apply(stored, config("""
        {"spec": {"ports": [{"port": 22, "name": "shell"}, {"port": 80}], "tags": ["b"], "args": ["-q"]}}"""),
        SCHEMA, "two", true);
    ObjectNode merged = ((ServerSideApply.Merged) outcome).object();

    assertThat(merged.path("spec").path("ports")).isEqualTo(json("""
        [{"port": 22, "name": "shell"}, {"port": 80}]"""));
    assertThat(merged.path("spec").path("tags")).isEqualTo(json("[\"a\", \"b\"]"));
    assertThat(merged.path("spec").path("args")).isEqualTo(json("[\"-q\"]"));
  }

  @Test
  void aFieldTheManagerStopsApplyingIsRemovedUnlessAnotherManagerOwnsIt() {
    ObjectNode first = merged(null, config("""
        {"spec": {"plan": "starter", "tags": ["a", "b"], "ports": [{"port": 22}, {"port": 80}]}}"""), "kubectl");
    ObjectNode shared = merged(first, config("{\"spec\": {\"tags\": [\"b\"]}}"), "argocd");

    ObjectNode second = merged(shared, config("{\"spec\": {\"ports\": [{\"port\": 80}]}}"), "kubectl");

    assertThat(second.path("spec").has("plan")).isFalse();
    assertThat(second.path("spec").path("tags")).isEqualTo(json("[\"b\"]"));
    assertThat(second.path("spec").path("ports")).isEqualTo(json("[{\"port\": 80}]"));
  }

  @Test
  void aDifferentValueForAFieldAnotherManagerAppliedConflictsUntilForced() {
    ObjectNode stored = merged(null, config("{\"spec\": {\"plan\": \"starter\"}}"), "kubectl");

    ServerSideApply.Outcome refused = APPLY.apply(stored, config("{\"spec\": {\"plan\": \"pro\"}}"), SCHEMA,
        "argocd", false);
    assertThat(refused).isEqualTo(new ServerSideApply.Conflicted(
        java.util.List.of(new ServerSideApply.Conflict("kubectl", ".spec.plan"))));

    ServerSideApply.Outcome sameValue = APPLY.apply(stored, config("{\"spec\": {\"plan\": \"starter\"}}"), SCHEMA,
        "argocd", false);
    assertThat(sameValue).isInstanceOf(ServerSideApply.Merged.class);

    ObjectNode forced = ((ServerSideApply.Merged) APPLY.apply(stored, config("{\"spec\": {\"plan\": \"pro\"}}"),
        SCHEMA, "argocd", true)).object();
    assertThat(forced.path("spec").path("plan").asText()).isEqualTo("pro");
    // the field moved: kubectl's entry, now empty, is gone
    assertThat(forced.path("metadata").path("managedFields")).hasSize(1);
    assertThat(forced.path("metadata").path("managedFields").get(0).path("manager").asText()).isEqualTo("argocd");
  }

  @Test
  void theStatusAndServerSetMetadataAreNotOwned() {
    ObjectNode created = merged(null, config("""
        {"metadata": {"uid": "x", "resourceVersion": "7", "labels": {"team": "films"}},
         "spec": {"plan": "starter"}, "status": {"phase": "Active"}}"""), "kubectl");

    assertThat(created.has("status")).isFalse();
    assertThat(created.path("metadata").has("uid")).isFalse();
    assertThat(created.path("metadata").path("managedFields").get(0).path("fieldsV1").path("f:metadata"))
        .isEqualTo(json("{\"f:labels\": {\"f:team\": {}}}"));
  }

  private static ObjectNode merged(ObjectNode stored, ObjectNode configuration, String manager) {
    ServerSideApply.Outcome outcome = APPLY.apply(stored, configuration, SCHEMA, manager, false);
    assertThat(outcome).isInstanceOf(ServerSideApply.Merged.class);
    return ((ServerSideApply.Merged) outcome).object();
  }

  private static ObjectNode config(String body) {
    ObjectNode configuration = (ObjectNode) json(body);
    configuration.put("apiVersion", "example.dev/v1").put("kind", "Box");
    configuration.withObjectProperty("metadata").put("name", "box").put("namespace", "default");
    return configuration;
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (java.io.IOException e) {
      return MissingNode.getInstance();
    }
  }
}

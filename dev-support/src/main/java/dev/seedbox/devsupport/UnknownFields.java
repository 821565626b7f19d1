package dev.seedbox.devsupport;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of a custom resource that its CRD schema does not declare: what an API server refuses when a write
 * asks for {@code fieldValidation=Strict} (kubectl does, and leaves the check to the server once the server's
 * OpenAPI v3 documents offer the parameter). A cluster prunes them otherwise; the embedded store keeps them.
 * apiVersion, kind and metadata are the API server's own and not looked at.
 */
final class UnknownFields {

  private UnknownFields() {
  }

  /** Each undeclared field as its path, e.g. {@code spec.plna}, in the object's order. */
  static List<String> in(JsonNode object, JsonNode openApiV3Schema) {
    List<String> unknown = new ArrayList<>();
    object.fields().forEachRemaining(member -> {
      String name = member.getKey();
      if (!name.equals("apiVersion") && !name.equals("kind") && !name.equals("metadata")) {
        member(name, member.getValue(), openApiV3Schema, name, unknown);
      }
    });
    return unknown;
  }

  /** A member of an object whose schema is {@code parentSchema}. */
  private static void member(String name, JsonNode value, JsonNode parentSchema, String path, List<String> unknown) {
    JsonNode schema = parentSchema.path("properties").path(name);
    if (schema.isMissingNode()) {
      JsonNode additional = parentSchema.path("additionalProperties");
      if (additional.isObject()) {
        schema = additional;
      } else if (parentSchema.has("properties") || additional.isBoolean() && !additional.asBoolean()) {
        unknown.add(path);
        return;
      } else {
        // a schema that lists no members is not checked here
        return;
      }
    }
    walk(value, schema, path, unknown);
  }

  private static void walk(JsonNode value, JsonNode schema, String path, List<String> unknown) {
    if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      return;
    }
    if (value.isObject()) {
      value.fields().forEachRemaining(m -> member(m.getKey(), m.getValue(), schema, path + "." + m.getKey(),
          unknown));
    } else if (value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        walk(value.get(i), schema.path("items"), path + "[" + i + "]", unknown);
      }
    }
  }
}

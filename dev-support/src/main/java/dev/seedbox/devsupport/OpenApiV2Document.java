package dev.seedbox.devsupport;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The OpenAPI v2 document of our custom resources in the protobuf encoding client-go asks for
 * ({@code GET /openapi/v2}, gnostic's {@code openapi.v2.Document}): kubectl before 1.27 answers {@code explain}
 * from it, and kubectl validates client-side against it where the server offers no {@code fieldValidation} (a
 * current kubectl finds that offer in {@link OpenApiV3Documents} and leaves our kinds to the server). One definition
 * per served CRD version, its {@code openAPIV3Schema} plus what a cluster adds (apiVersion, kind, metadata,
 * {@code x-kubernetes-group-version-kind}); no paths, so kubectl finds no {@code fieldValidation} here. Kinds
 * without a definition (Namespaces, Secrets) are not validated by kubectl, as on a cluster that publishes none
 * for them.
 */
final class OpenApiV2Document {

  // what client-go asks for is application/com.github.proto-openapi.spec.v2@v1.0+protobuf, which Go cannot parse
  // as an answer's media type; it reads the body as bytes whatever the type
  static final String CONTENT_TYPE = "application/octet-stream";

  private OpenApiV2Document() {
  }

  /** The document for these CRDs. */
  static byte[] of(List<JsonNode> crds) {
    Message definitions = new Message();
    for (JsonNode crd : crds) {
      JsonNode spec = crd.path("spec");
      String group = spec.path("group").asText();
      String kind = spec.path("names").path("kind").asText();
      for (JsonNode version : spec.path("versions")) {
        if (!version.path("served").asBoolean(true)) {
          continue;
        }
        String name = version.path("name").asText();
        Message schema = rootSchema(version.path("schema").path("openAPIV3Schema"), group, name, kind);
        definitions.message(1, new Message().string(1, definitionName(group, name, kind)).message(2, schema));
      }
    }
    return new Message()
        .string(1, "2.0")
        .message(2, new Message().string(1, "Kubernetes").string(2, "v1.33.0"))
        .message(9, definitions)
        .bytes();
  }

  /** {@code seedbox.dev}, {@code v1alpha1}, {@code Seedbox}: {@code dev.seedbox.v1alpha1.Seedbox}, as a cluster names it. */
  static String definitionName(String group, String version, String kind) {
    List<String> parts = new java.util.ArrayList<>(List.of(group.split("\\.")));
    java.util.Collections.reverse(parts);
    return String.join(".", parts) + "." + version + "." + kind;
  }

  private static Message rootSchema(JsonNode schema, String group, String version, String kind) {
    Message root = new Message();
    writeSchemaFields(root, schema, true);
    Message properties = new Message();
    for (String field : List.of("apiVersion", "kind")) {
      if (!schema.path("properties").has(field)) {
        properties.message(1, named(field, new Message().message(22, new Message().string(1, "string"))));
      }
    }
    if (!schema.path("properties").has("metadata")) {
      properties.message(1, named("metadata", new Message().message(22, new Message().string(1, "object"))));
    }
    schema.path("properties").fields().forEachRemaining(p -> properties.message(1, named(p.getKey(),
        schema(p.getValue()))));
    root.message(25, properties);
    String gvk = "[{\"group\":\"" + group + "\",\"kind\":\"" + kind + "\",\"version\":\"" + version + "\"}]";
    root.message(31, new Message().string(1, "x-kubernetes-group-version-kind")
        .message(2, new Message().string(2, gvk)));
    return root;
  }

  private static Message named(String name, Message schema) {
    return new Message().string(1, name).message(2, schema);
  }

  private static Message schema(JsonNode node) {
    Message schema = new Message();
    writeSchemaFields(schema, node, false);
    if (node.has("properties")) {
      Message properties = new Message();
      node.path("properties").fields().forEachRemaining(p -> properties.message(1, named(p.getKey(),
          schema(p.getValue()))));
      schema.message(25, properties);
    }
    return schema;
  }

  /** Every field but properties, in gnostic's field numbers. */
  private static void writeSchemaFields(Message schema, JsonNode node, boolean root) {
    if (node.has("format")) {
      schema.string(2, node.get("format").asText());
    }
    if (node.has("description")) {
      schema.string(4, node.get("description").asText());
    }
    if (node.has("default")) {
      schema.message(5, new Message().string(2, node.get("default").toString()));
    }
    if (node.has("maximum")) {
      schema.fixed64(7, node.get("maximum").asDouble());
    }
    if (node.has("minimum")) {
      schema.fixed64(9, node.get("minimum").asDouble());
    }
    for (Map.Entry<String, Integer> limit : Map.of("maxLength", 11, "minLength", 12, "maxItems", 14,
        "minItems", 15).entrySet()) {
      if (node.has(limit.getKey())) {
        schema.varint(limit.getValue(), node.get(limit.getKey()).asLong());
      }
    }
    if (node.has("pattern")) {
      schema.string(13, node.get("pattern").asText());
    }
    node.path("required").forEach(r -> schema.string(19, r.asText()));
    node.path("enum").forEach(e -> schema.message(20, new Message().string(2, e.toString())));
    JsonNode additional = node.get("additionalProperties");
    if (additional != null && additional.isBoolean()) {
      schema.message(21, new Message().varint(2, additional.asBoolean() ? 1 : 0));
    } else if (additional != null && additional.isObject()) {
      schema.message(21, new Message().message(1, schema(additional)));
    }
    if (node.has("type")) {
      schema.message(22, new Message().string(1, node.get("type").asText()));
    }
    if (node.has("items")) {
      schema.message(23, new Message().message(1, schema(node.get("items"))));
    }
    if (!root) {
      node.fields().forEachRemaining(f -> {
        if (f.getKey().startsWith("x-kubernetes-")) {
          schema.message(31, new Message().string(1, f.getKey())
              .message(2, new Message().string(2, f.getValue().toString())));
        }
      });
    }
  }

  /** A protobuf message being written: fields in the order added. */
  private static final class Message {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Message string(int field, String value) {
      return lengthDelimited(field, value.getBytes(StandardCharsets.UTF_8));
    }

    Message message(int field, Message value) {
      return lengthDelimited(field, value.bytes());
    }

    Message varint(int field, long value) {
      tag(field, 0);
      writeVarint(value);
      return this;
    }

    Message fixed64(int field, double value) {
      tag(field, 1);
      long bits = Double.doubleToLongBits(value);
      for (int i = 0; i < 8; i++) {
        out.write((int) (bits >>> (8 * i)) & 0xff);
      }
      return this;
    }

    byte[] bytes() {
      return out.toByteArray();
    }

    private Message lengthDelimited(int field, byte[] value) {
      tag(field, 2);
      writeVarint(value.length);
      out.writeBytes(value);
      return this;
    }

    private void tag(int field, int wireType) {
      writeVarint(((long) field << 3) | wireType);
    }

    private void writeVarint(long value) {
      long rest = value;
      while ((rest & ~0x7fL) != 0) {
        out.write((int) ((rest & 0x7f) | 0x80));
        rest >>>= 7;
      }
      out.write((int) rest);
    }
  }
}

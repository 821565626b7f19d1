package dev.seedbox.devsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A CRD version's {@code openAPIV3Schema} as a validator that reports like an API server: one {@link FieldError}
 * per problem, named by the field's path ({@code spec.client}) with the reason a 422's {@code details.causes}
 * carry. The fabric8 mock validates nothing, so the schema is proven here: by the CRD tests and by the dev stack's
 * API. Kubernetes' extensions ({@code x-kubernetes-*}) are known keywords that validate nothing here; the CEL rules
 * they carry are checked by a real cluster only.
 */
public final class CrdSchemaValidator {

  private static final JsonMetaSchema OPENAPI_FOR_KUBERNETES = JsonMetaSchema.builder(JsonMetaSchema.getV4())
      .keyword(new NonValidationKeyword("x-kubernetes-validations"))
      .keyword(new NonValidationKeyword("x-kubernetes-preserve-unknown-fields"))
      .keyword(new NonValidationKeyword("x-kubernetes-int-or-string"))
      .keyword(new NonValidationKeyword("nullable"))
      .build();

  private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.builder(
          JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4))
      .metaSchema(OPENAPI_FOR_KUBERNETES)
      .build();

  /**
   * One problem, as an API server's Status cause.
   *
   * @param field the path in the object, e.g. {@code spec.port}
   * @param reason {@code FieldValueRequired}, {@code FieldValueNotSupported} or {@code FieldValueInvalid}
   * @param message what is wrong, e.g. {@code Unsupported value: "utorrent": supported values: "qbittorrent"}
   */
  public record FieldError(String field, String reason, String message) {
    @Override
    public String toString() {
      return field + ": " + message;
    }
  }

  private final JsonSchema schema;

  private CrdSchemaValidator(JsonSchema schema) {
    this.schema = schema;
  }

  /** A validator for one CRD version's {@code openAPIV3Schema}. */
  public static CrdSchemaValidator of(JsonNode openApiV3Schema) {
    Objects.requireNonNull(openApiV3Schema, "openApiV3Schema");
    return new CrdSchemaValidator(FACTORY.getSchema(openApiV3Schema));
  }

  /** The problems of a whole custom resource (apiVersion, kind, metadata, spec, status), in field order. */
  public List<FieldError> validate(JsonNode resource) {
    return schema.validate(resource).stream().map(CrdSchemaValidator::fieldError)
        .sorted(Comparator.comparing(FieldError::field).thenComparing(FieldError::message))
        .distinct()
        .toList();
  }

  private static FieldError fieldError(ValidationMessage message) {
    String field = fieldPath(message.getInstanceLocation());
    String type = message.getType();
    if ("required".equals(type) && message.getProperty() != null) {
      return new FieldError(join(field, message.getProperty()), "FieldValueRequired", "Required value");
    }
    if ("enum".equals(type)) {
      StringBuilder supported = new StringBuilder();
      message.getSchemaNode().forEach(value -> supported.append(supported.isEmpty() ? "" : ", ").append(value));
      return new FieldError(field, "FieldValueNotSupported", "Unsupported value: " + message.getInstanceNode()
          + ": supported values: " + supported);
    }
    return new FieldError(field, "FieldValueInvalid", "Invalid value: " + shortened(message.getInstanceNode())
        + ": " + withoutLocation(message.getMessage()));
  }

  private static String fieldPath(JsonNodePath location) {
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < location.getNameCount(); i++) {
      Object element = location.getElement(i);
      if (element instanceof Integer index) {
        path.append('[').append(index).append(']');
      } else {
        path.append(path.isEmpty() ? "" : ".").append(element);
      }
    }
    return path.toString();
  }

  private static String join(String parent, String child) {
    return parent.isEmpty() ? child : parent + "." + child;
  }

  /** networknt starts each message with the location ({@code $.spec.port: }); the field says that already. */
  private static String withoutLocation(String message) {
    int colon = message.indexOf(": ");
    return message.startsWith("$") && colon > 0 ? message.substring(colon + 2) : message;
  }

  private static String shortened(JsonNode value) {
    String text = value == null ? "null" : value.toString();
    return text.length() <= 100 ? text : text.substring(0, 100) + "…";
  }
}

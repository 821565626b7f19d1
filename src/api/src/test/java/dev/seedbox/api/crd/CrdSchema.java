package dev.seedbox.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.List;
import java.util.Map;

/**
 * A CRD's openAPIV3Schema as a JSON-schema validator. The mock API server does not validate, so this is where the
 * schema is proven. Kubernetes' own extensions (x-kubernetes-*) are known keywords that validate nothing here; the
 * CEL rules they carry are checked by the API server of a real cluster.
 */
final class CrdSchema {

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

  private static final Map<String, String> PLURALS = Map.of(
      "Seedbox", "seedboxes",
      "BillingAccount", "billingaccounts",
      "ByosConnection", "byosconnections");

  private CrdSchema() {
  }

  static boolean knows(String kind) {
    return PLURALS.containsKey(kind);
  }

  /** Validation errors of a whole custom resource against its kind's generated schema; empty when valid. */
  static List<String> errors(JsonNode resource) {
    String kind = resource.path("kind").asText();
    String plural = PLURALS.get(kind);
    if (plural == null) {
      throw new IllegalArgumentException("not one of our kinds: " + kind);
    }
    JsonSchema schema = FACTORY.getSchema(GeneratedCrds.schema(plural));
    return schema.validate(resource).stream().map(ValidationMessage::getMessage).sorted().toList();
  }
}

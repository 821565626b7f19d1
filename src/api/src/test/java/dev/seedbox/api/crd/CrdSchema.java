package dev.seedbox.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.seedbox.devsupport.CrdSchemaValidator;
import java.util.List;
import java.util.Map;

/** Our kinds' generated schemas, through the validator the dev stack's API validates with. */
final class CrdSchema {

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
    return CrdSchemaValidator.of(GeneratedCrds.schema(plural)).validate(resource).stream()
        .map(CrdSchemaValidator.FieldError::toString).toList();
  }
}

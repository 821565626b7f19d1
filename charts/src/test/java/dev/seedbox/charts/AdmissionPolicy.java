package dev.seedbox.charts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A rendered ValidatingAdmissionPolicy, evaluated with CEL (Google's CEL for Java) as the API server evaluates it:
 * match conditions first, then the variables in order, then each validation; the first that is false denies with
 * its message. Only what the chart's policy uses is modelled (no params, no authorizer, no audit annotations).
 */
final class AdmissionPolicy {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
      .setStandardMacros(dev.cel.parser.CelStandardMacro.STANDARD_MACROS)
      .addVar("request", SimpleType.DYN)
      .addVar("object", SimpleType.DYN)
      .addVar("oldObject", SimpleType.DYN)
      .addVar("variables", SimpleType.DYN)
      .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  private final JsonNode policy;

  AdmissionPolicy(JsonNode policy) {
    this.policy = policy;
  }

  /**
   * The verdict on one request: empty when allowed (or when the policy does not apply), else the message.
   *
   * @param operation CREATE, UPDATE or DELETE
   * @param object the Secret after the request (null for DELETE)
   * @param oldObject the Secret before it (null for CREATE)
   */
  Optional<String> denies(String username, String operation, JsonNode object, JsonNode oldObject) throws Exception {
    Map<String, Object> request = Map.of("operation", operation, "userInfo", Map.of("username", username));
    Map<String, Object> activation = new HashMap<>();
    activation.put("request", request);
    activation.put("object", object == null ? dev.cel.common.values.NullValue.NULL_VALUE : toMap(object));
    activation.put("oldObject", oldObject == null ? dev.cel.common.values.NullValue.NULL_VALUE : toMap(oldObject));
    for (JsonNode condition : policy.path("spec").path("matchConditions")) {
      if (!Boolean.TRUE.equals(eval(condition.path("expression").asText(), activation))) {
        return Optional.empty();
      }
    }
    Map<String, Object> variables = new LinkedHashMap<>();
    activation.put("variables", variables);
    for (JsonNode variable : policy.path("spec").path("variables")) {
      variables.put(variable.path("name").asText(), eval(variable.path("expression").asText(), activation));
    }
    for (JsonNode validation : policy.path("spec").path("validations")) {
      if (!Boolean.TRUE.equals(eval(validation.path("expression").asText(), activation))) {
        return Optional.of(validation.path("message").asText());
      }
    }
    return Optional.empty();
  }

  List<String> operations() {
    return RenderedChart.elements(policy.path("spec").path("matchConstraints").path("resourceRules").get(0)
        .path("operations")).map(JsonNode::asText).toList();
  }

  private static Object eval(String expression, Map<String, Object> activation) throws Exception {
    CelAbstractSyntaxTree ast = COMPILER.compile(expression).getAst();
    return RUNTIME.createProgram(ast).eval(activation);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> toMap(JsonNode node) {
    return JSON.convertValue(node, Map.class);
  }
}

package dev.seedbox.api.decode;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Decodes one of our custom resources part by part: metadata as usual, then spec and status each on their own, so
 * a part that does not fit its class (an unknown enum value, a string where a number belongs, a missing spec) is
 * recorded on the resource as an {@link UndecodableField} instead of failing the decoding. The reconcilers then
 * report it once and leave the resource alone; every other object is unaffected.
 */
public abstract class TolerantDecoder<R extends TolerantResource<S, T>, S, T> extends StdDeserializer<R> {

  private static final int MAX_FOUND = 120;

  private final transient Supplier<R> factory;
  private final Class<S> specType;
  private final Class<T> statusType;

  protected TolerantDecoder(Class<R> type, Supplier<R> factory, Class<S> specType, Class<T> statusType) {
    super(type);
    this.factory = factory;
    this.specType = specType;
    this.statusType = statusType;
  }

  @Override
  public R deserialize(JsonParser parser, DeserializationContext context) throws IOException {
    JsonNode tree = context.readTree(parser);
    if (!tree.isObject()) {
      return context.reportInputMismatch(this, "a %s must be a JSON object, found %s",
          handledType().getSimpleName(), tree.getNodeType());
    }
    R resource = factory.get();
    if (tree.hasNonNull("metadata")) {
      // without readable metadata there is no object to report on; the API server guarantees it anyway
      resource.setMetadata(context.readTreeAsValue(tree.get("metadata"), ObjectMeta.class));
    }
    if (!tree.hasNonNull("spec")) {
      resource.setSpec(null);
      resource.keepUndecoded("spec", tree.get("spec"), new UndecodableField("spec", "nothing", "an object"));
    } else {
      decodePart(resource, tree, "spec", specType, resource::setSpec, context);
    }
    if (tree.has("status")) {
      decodePart(resource, tree, "status", statusType, resource::setStatus, context);
    }
    return resource;
  }

  private <V> void decodePart(R resource, JsonNode tree, String part, Class<V> type, Consumer<V> setter,
      DeserializationContext context) throws IOException {
    JsonNode stored = tree.get(part);
    try {
      setter.accept(stored.isNull() ? null : context.readTreeAsValue(stored, type));
    } catch (JsonMappingException e) {
      setter.accept(null);
      resource.keepUndecoded(part, stored, describe(part, stored, e));
    }
  }

  /** Where in the part decoding stopped, what is stored there, and what the class wanted. */
  static UndecodableField describe(String part, JsonNode stored, JsonMappingException e) {
    StringBuilder field = new StringBuilder(part);
    JsonNode found = stored;
    for (JsonMappingException.Reference step : e.getPath()) {
      if (step.getFieldName() != null) {
        field.append('.').append(step.getFieldName());
        found = found == null ? null : found.get(step.getFieldName());
      } else if (step.getIndex() >= 0) {
        field.append('[').append(step.getIndex()).append(']');
        found = found == null ? null : found.get(step.getIndex());
      }
    }
    return new UndecodableField(field.toString(), shortened(found), expected(e));
  }

  private static String shortened(JsonNode found) {
    if (found == null || found.isMissingNode()) {
      return "nothing";
    }
    String json = found.toString();
    return json.length() <= MAX_FOUND ? json : json.substring(0, MAX_FOUND) + "…";
  }

  private static String expected(JsonMappingException e) {
    Class<?> target = e instanceof InvalidFormatException f ? f.getTargetType()
        : e instanceof MismatchedInputException m ? m.getTargetType() : null;
    if (target == null) {
      String message = e.getOriginalMessage() == null ? "a readable value" : e.getOriginalMessage();
      int end = message.indexOf('\n');
      return "readable (" + (end < 0 ? message : message.substring(0, end)) + ")";
    }
    if (target.isEnum()) {
      // our enums print their wire names
      return "one of " + Arrays.stream(target.getEnumConstants()).map(String::valueOf)
          .collect(Collectors.joining(", "));
    }
    if (target == Integer.class || target == int.class || target == Long.class || target == long.class
        || target == Short.class || target == short.class) {
      return "an integer";
    }
    if (Number.class.isAssignableFrom(target) || target == double.class || target == float.class) {
      return "a number";
    }
    if (target == Boolean.class || target == boolean.class) {
      return "true or false";
    }
    if (target == String.class) {
      return "a string";
    }
    if (target.isArray() || Collection.class.isAssignableFrom(target)) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(target)) {
      return "an object";
    }
    return "an object (" + target.getSimpleName() + ")";
  }
}

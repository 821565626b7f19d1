package dev.seedbox.devsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Server-side apply ({@code PATCH} with {@code application/apply-patch+yaml}) as the API server does it, in the
 * parts a user of the dev stack notices: the applied configuration is merged into the stored object (maps member by
 * member, lists marked {@code x-kubernetes-list-type: map} item by item by their keys, {@code set} lists element by
 * element, every other list replaced whole), the manager's fields are recorded in {@code metadata.managedFields}
 * (operation Apply, FieldsV1), a field the manager applied before and applies no more is removed unless another
 * manager owns it, and a field another manager applied with a different value is a conflict unless forced, which
 * moves the field to the applier.
 *
 * <p>Not modelled: ownership by Update operations (the embedded store records none for ordinary writes, so a field
 * last set by {@code kubectl patch} or the operator never conflicts), the upgrade from client-side apply's
 * last-applied annotation, defaulting of removed fields, and apply to subresources.
 */
final class ServerSideApply {

  /** What an apply comes to. */
  sealed interface Outcome permits Merged, Conflicted {
  }

  /** The object to store: the applied configuration merged in, with the managers' fields recorded. */
  record Merged(ObjectNode object) implements Outcome {
  }

  /** Fields other managers applied with other values; nothing is stored. */
  record Conflicted(List<Conflict> conflicts) implements Outcome {
  }

  /** @param field as the API server names it, e.g. {@code .spec.plan} */
  record Conflict(String manager, String field) {
  }

  private static final String APPLY = "Apply";
  /** What the server sets and a configuration cannot own. */
  private static final List<String> SERVER_SET_METADATA = List.of("name", "namespace", "uid", "resourceVersion",
      "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields",
      "selfLink");

  private final ObjectMapper json;
  private final Clock clock;
  private final ObjectNode metadataSchema;

  ServerSideApply(ObjectMapper json, Clock clock) {
    this.json = json;
    this.clock = clock;
    this.metadataSchema = json.createObjectNode();
    ObjectNode properties = metadataSchema.putObject("properties");
    properties.putObject("finalizers").put("x-kubernetes-list-type", "set");
    properties.putObject("ownerReferences").put("x-kubernetes-list-type", "map")
        .putArray("x-kubernetes-list-map-keys").add("uid");
  }

  /**
   * Applies a configuration.
   *
   * @param current the stored object; null when there is none, so the apply creates it
   * @param configuration what the manager applied: apiVersion, kind, metadata (name and namespace already checked)
   * @param schema the kind's {@code openAPIV3Schema}, which marks list types; a missing node for kinds without one
   * @param force whether fields another manager applied with other values are taken over
   */
  Outcome apply(JsonNode current, ObjectNode configuration, JsonNode schema, String manager, boolean force) {
    ObjectNode applied = owned(configuration);
    Set<List<String>> fields = new LinkedHashSet<>();
    collect(applied, rootSchema(schema), new ArrayList<>(), fields);
    ObjectNode object = current == null ? json.createObjectNode() : (ObjectNode) current.deepCopy();

    Map<String, Set<List<String>>> appliedByOthers = new LinkedHashMap<>();
    Set<List<String>> ownedByOthers = new LinkedHashSet<>();
    Set<List<String>> previous = Set.of();
    ArrayNode entries = json.createArrayNode();
    for (JsonNode entry : object.path("metadata").path("managedFields")) {
      Set<List<String>> entryFields = fieldsOf(entry.path("fieldsV1"));
      boolean apply = APPLY.equals(entry.path("operation").asText());
      if (apply && manager.equals(entry.path("manager").asText())) {
        previous = entryFields;
        continue;
      }
      if (apply) {
        appliedByOthers.put(entry.path("manager").asText(), entryFields);
      }
      ownedByOthers.addAll(entryFields);
      entries.add(entry);
    }

    List<Conflict> conflicts = new ArrayList<>();
    appliedByOthers.forEach((other, otherFields) -> {
      for (List<String> field : fields) {
        JsonNode wanted = valueAt(applied, field);
        JsonNode stored = valueAt(object, field);
        if (otherFields.contains(field) && !wanted.isObject() && !stored.isMissingNode() && !wanted.equals(stored)) {
          conflicts.add(new Conflict(other, fieldName(field)));
        }
      }
    });
    if (!conflicts.isEmpty() && !force) {
      return new Conflicted(conflicts);
    }
    if (!conflicts.isEmpty()) {
      for (JsonNode entry : entries) {
        String other = entry.path("manager").asText();
        if (APPLY.equals(entry.path("operation").asText()) && appliedByOthers.containsKey(other)) {
          Set<List<String>> kept = new LinkedHashSet<>(appliedByOthers.get(other));
          conflicts.stream().filter(c -> c.manager().equals(other)).forEach(c -> kept.removeIf(
              f -> fieldName(f).equals(c.field())));
          ((ObjectNode) entry).set("fieldsV1", trie(kept));
        }
      }
    }

    // outermost first: a keyed item goes as a whole, before its key field could go and leave it unfindable
    previous.stream().filter(dropped -> !fields.contains(dropped) && !ownedByOthers.contains(dropped))
        .sorted(java.util.Comparator.comparingInt(List::size))
        .forEach(dropped -> remove(object, dropped));
    ObjectNode merged = (ObjectNode) merge(object, applied, rootSchema(schema));
    merged.set("apiVersion", configuration.path("apiVersion"));
    merged.set("kind", configuration.path("kind"));
    ObjectNode metadata = merged.withObjectProperty("metadata");
    metadata.set("name", configuration.path("metadata").path("name"));
    if (configuration.path("metadata").has("namespace")) {
      metadata.set("namespace", configuration.path("metadata").path("namespace"));
    }
    ArrayNode managedFields = json.createArrayNode();
    managedFields.addObject().put("manager", manager).put("operation", APPLY)
        .put("apiVersion", configuration.path("apiVersion").asText())
        .put("time", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString())
        .put("fieldsType", "FieldsV1")
        .set("fieldsV1", trie(fields));
    entries.forEach(entry -> {
      if (!entry.path("fieldsV1").isEmpty()) {
        managedFields.add(entry);
      }
    });
    metadata.set("managedFields", managedFields);
    return new Merged(merged);
  }

  /** The configuration without what no manager can own: the status (a subresource) and server-set metadata. */
  private ObjectNode owned(ObjectNode configuration) {
    ObjectNode owned = configuration.deepCopy();
    owned.remove(List.of("apiVersion", "kind", "status"));
    if (owned.path("metadata").isObject()) {
      ((ObjectNode) owned.get("metadata")).remove(SERVER_SET_METADATA);
      if (owned.get("metadata").isEmpty()) {
        owned.remove("metadata");
      }
    }
    return owned;
  }

  private JsonNode rootSchema(JsonNode schema) {
    ObjectNode root = schema != null && schema.isObject() ? (ObjectNode) schema.deepCopy()
        : json.createObjectNode();
    root.withObjectProperty("properties").set("metadata", metadataSchema);
    return root;
  }

  /** The fields a value sets: each leaf, each item of a keyed or set list, each empty map or list. */
  private static void collect(JsonNode value, JsonNode schema, List<String> at, Set<List<String>> fields) {
    Iterator<Map.Entry<String, JsonNode>> members = value.fields();
    while (members.hasNext()) {
      Map.Entry<String, JsonNode> member = members.next();
      List<String> path = append(at, "f:" + member.getKey());
      JsonNode child = member.getValue();
      JsonNode childSchema = child(schema, member.getKey());
      String listType = childSchema.path("x-kubernetes-list-type").asText();
      if (child.isObject() && !child.isEmpty()) {
        collect(child, childSchema, path, fields);
      } else if (child.isArray() && !child.isEmpty() && listType.equals("map")) {
        for (JsonNode item : child) {
          List<String> itemPath = append(path, "k:" + keyOf(item, childSchema));
          fields.add(itemPath);
          collect(item, childSchema.path("items"), itemPath, fields);
        }
      } else if (child.isArray() && !child.isEmpty() && listType.equals("set")) {
        child.forEach(item -> fields.add(append(path, "v:" + item)));
      } else {
        fields.add(path);
      }
    }
  }

  /** RFC-7386-like merge that follows the schema's list types instead of replacing every list. */
  private JsonNode merge(JsonNode stored, JsonNode applied, JsonNode schema) {
    if (stored == null || stored.isMissingNode() || stored.isNull()) {
      return applied.deepCopy();
    }
    if (stored.isObject() && applied.isObject()) {
      ObjectNode merged = ((ObjectNode) stored).deepCopy();
      applied.fields().forEachRemaining(member -> merged.set(member.getKey(),
          merge(merged.get(member.getKey()), member.getValue(), child(schema, member.getKey()))));
      return merged;
    }
    String listType = schema.path("x-kubernetes-list-type").asText();
    if (stored.isArray() && applied.isArray() && listType.equals("map")) {
      ArrayNode merged = ((ArrayNode) stored).deepCopy();
      for (JsonNode item : applied) {
        String key = keyOf(item, schema);
        int at = indexOf(merged, key, schema);
        if (at < 0) {
          merged.add(item.deepCopy());
        } else {
          merged.set(at, merge(merged.get(at), item, schema.path("items")));
        }
      }
      return merged;
    }
    if (stored.isArray() && applied.isArray() && listType.equals("set")) {
      ArrayNode merged = ((ArrayNode) stored).deepCopy();
      applied.forEach(item -> {
        if (!contains(merged, item)) {
          merged.add(item.deepCopy());
        }
      });
      return merged;
    }
    return applied.deepCopy();
  }

  private static JsonNode child(JsonNode schema, String name) {
    JsonNode property = schema.path("properties").path(name);
    if (!property.isMissingNode()) {
      return property;
    }
    JsonNode additional = schema.path("additionalProperties");
    return additional.isObject() ? additional : MissingNode.getInstance();
  }

  /** An item's key fields as FieldsV1 writes them: a JSON object of the keys in name order. */
  private static String keyOf(JsonNode item, JsonNode listSchema) {
    List<String> names = new ArrayList<>();
    listSchema.path("x-kubernetes-list-map-keys").forEach(k -> names.add(k.asText()));
    names.sort(String::compareTo);
    StringBuilder key = new StringBuilder("{");
    for (String name : names) {
      if (item.has(name)) {
        key.append(key.length() > 1 ? "," : "").append('"').append(name).append("\":").append(item.get(name));
      }
    }
    return key.append('}').toString();
  }

  private static int indexOf(ArrayNode list, String key, JsonNode listSchema) {
    for (int i = 0; i < list.size(); i++) {
      if (keyOf(list.get(i), listSchema).equals(key)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean contains(ArrayNode list, JsonNode value) {
    for (JsonNode element : list) {
      if (element.equals(value)) {
        return true;
      }
    }
    return false;
  }

  /** The value a field path names in an object; a missing node when it has none. */
  private JsonNode valueAt(JsonNode object, List<String> field) {
    JsonNode at = object;
    for (String segment : field) {
      at = step(at, segment);
      if (at.isMissingNode()) {
        return at;
      }
    }
    return at;
  }

  private JsonNode step(JsonNode at, String segment) {
    String name = segment.substring(2);
    if (segment.startsWith("f:")) {
      return at.path(name);
    }
    if (!at.isArray()) {
      return MissingNode.getInstance();
    }
    for (JsonNode item : at) {
      if (segment.startsWith("v:") ? item.toString().equals(name) : matchesKey(item, name)) {
        return item;
      }
    }
    return MissingNode.getInstance();
  }

  private boolean matchesKey(JsonNode item, String key) {
    try {
      JsonNode keys = json.readTree(key);
      Iterator<Map.Entry<String, JsonNode>> members = keys.fields();
      while (members.hasNext()) {
        Map.Entry<String, JsonNode> member = members.next();
        if (!member.getValue().equals(item.path(member.getKey()))) {
          return false;
        }
      }
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private void remove(JsonNode object, List<String> field) {
    JsonNode parent = valueAt(object, field.subList(0, field.size() - 1));
    String last = field.get(field.size() - 1);
    if (last.startsWith("f:") && parent.isObject()) {
      ((ObjectNode) parent).remove(last.substring(2));
    } else if (parent.isArray()) {
      JsonNode item = step(parent, last);
      for (int i = 0; i < parent.size(); i++) {
        if (parent.get(i) == item) {
          ((ArrayNode) parent).remove(i);
          return;
        }
      }
    }
  }

  /** {@code [f:spec, f:plan]} as {@code .spec.plan}, the way a conflict names it. */
  private static String fieldName(List<String> field) {
    StringBuilder name = new StringBuilder();
    for (String segment : field) {
      name.append(segment.startsWith("f:") ? "." + segment.substring(2) : "[" + segment.substring(2) + "]");
    }
    return name.toString();
  }

  /** A set of field paths as FieldsV1: a trie with {@code .} marking a node that is owned itself. */
  private ObjectNode trie(Set<List<String>> fields) {
    ObjectNode root = json.createObjectNode();
    for (List<String> field : fields) {
      ObjectNode at = root;
      for (String segment : field) {
        at = at.withObjectProperty(segment);
      }
    }
    for (List<String> field : fields) {
      ObjectNode at = root;
      for (String segment : field) {
        at = (ObjectNode) at.get(segment);
      }
      if (!at.isEmpty() && !at.has(".")) {
        at.putObject(".");
      }
    }
    return root;
  }

  private static Set<List<String>> fieldsOf(JsonNode trie) {
    Set<List<String>> fields = new LinkedHashSet<>();
    walk(trie, new ArrayList<>(), fields);
    return fields;
  }

  private static void walk(JsonNode node, List<String> at, Set<List<String>> fields) {
    if (!at.isEmpty() && (node.isEmpty() || node.has("."))) {
      fields.add(at);
    }
    node.fields().forEachRemaining(member -> {
      if (!member.getKey().equals(".")) {
        walk(member.getValue(), append(at, member.getKey()), fields);
      }
    });
  }

  private static List<String> append(List<String> path, String segment) {
    List<String> longer = new ArrayList<>(path);
    longer.add(segment);
    return List.copyOf(longer);
  }
}

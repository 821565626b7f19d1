package dev.seedbox.devsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an API server answers when a client asks for a Table ({@code Accept: application/json;as=Table;v=v1;
 * g=meta.k8s.io}, as {@code kubectl get} does): a Name column and the CRD version's
 * {@code additionalPrinterColumns}, or Name and Age for a kind without a CRD. Date columns read as ages
 * ({@code 5m}), as kubectl shows them from a cluster.
 *
 * <p>The JSONPaths printer columns use are evaluated for the forms CRDs use: {@code .a.b} and one filter
 * {@code .a[?(@.type=="Ready")].status}.
 */
final class PrinterColumnTable {

  private static final Pattern FILTER = Pattern.compile("^([^\\[]+)\\[\\?\\(@\\.([A-Za-z0-9_]+)==\"([^\"]*)\"\\)\\](.*)$");

  private final ObjectMapper json;
  private final Clock clock;

  PrinterColumnTable(ObjectMapper json, Clock clock) {
    this.json = json;
    this.clock = clock;
  }

  /** A column: its header, type, priority (above 0 only with {@code -o wide}) and JSONPath. */
  record Column(String name, String type, String description, int priority, String jsonPath) {
  }

  /** The printer columns of one CRD version; Age alone when the CRD names none. */
  static List<Column> columnsOf(JsonNode crdVersion) {
    List<Column> columns = new ArrayList<>();
    for (JsonNode c : crdVersion.path("additionalPrinterColumns")) {
      columns.add(new Column(c.path("name").asText(), c.path("type").asText("string"),
          c.path("description").asText(""), c.path("priority").asInt(0), c.path("jsonPath").asText()));
    }
    return columns.isEmpty() ? defaultColumns() : columns;
  }

  static List<Column> defaultColumns() {
    return List.of(new Column("Age", "date", "Time since the object was created", 0,
        ".metadata.creationTimestamp"));
  }

  /** The Table for a list ({@code items}) or a single object. */
  ObjectNode table(JsonNode listOrObject, List<Column> columns) {
    ObjectNode table = json.createObjectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    ObjectNode metadata = table.putObject("metadata");
    if (listOrObject.path("metadata").has("resourceVersion")) {
      metadata.put("resourceVersion", listOrObject.path("metadata").path("resourceVersion").asText());
    }
    ArrayNode definitions = table.putArray("columnDefinitions");
    definitions.addObject().put("name", "Name").put("type", "string").put("format", "name")
        .put("description", "Name must be unique within a namespace.").put("priority", 0);
    for (Column column : columns) {
      definitions.addObject().put("name", column.name()).put("type", column.type()).put("format", "")
          .put("description", column.description()).put("priority", column.priority());
    }
    ArrayNode rows = table.putArray("rows");
    List<JsonNode> objects = new ArrayList<>();
    if (listOrObject.has("items")) {
      listOrObject.path("items").forEach(objects::add);
    } else {
      objects.add(listOrObject);
    }
    for (JsonNode object : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      cells.add(object.path("metadata").path("name").asText());
      for (Column column : columns) {
        cells.add(cell(object, column));
      }
      row.set("object", object);
    }
    return table;
  }

  private JsonNode cell(JsonNode object, Column column) {
    JsonNode value = evaluate(object, column.jsonPath());
    if (value == null || value.isMissingNode() || value.isNull()) {
      return json.getNodeFactory().textNode("<none>");
    }
    if ("date".equals(column.type()) && value.isTextual()) {
      return json.getNodeFactory().textNode(age(value.asText()));
    }
    return value.isValueNode() ? value : json.getNodeFactory().textNode(value.toString());
  }

  /** The value at a printer column's JSONPath; null when there is none. */
  static JsonNode evaluate(JsonNode object, String jsonPath) {
    Matcher filter = FILTER.matcher(jsonPath);
    if (filter.matches()) {
      JsonNode array = walk(object, filter.group(1));
      if (array == null || !array.isArray()) {
        return null;
      }
      for (JsonNode element : array) {
        if (filter.group(3).equals(element.path(filter.group(2)).asText(null))) {
          return filter.group(4).isEmpty() ? element : walk(element, filter.group(4));
        }
      }
      return null;
    }
    return walk(object, jsonPath);
  }

  private static JsonNode walk(JsonNode node, String dottedPath) {
    JsonNode current = node;
    for (String part : dottedPath.split("\\.")) {
      if (part.isEmpty()) {
        continue;
      }
      current = current.get(part);
      if (current == null) {
        return null;
      }
    }
    return current;
  }

  /** Like kubectl's ages: 45s, 3m12s, 40m, 5h10m, 20h, 3d4h, 12d, 2y. */
  String age(String timestamp) {
    Duration age;
    try {
      age = Duration.between(Instant.parse(timestamp), clock.instant());
    } catch (DateTimeParseException e) {
      return timestamp;
    }
    long seconds = Math.max(0, age.getSeconds());
    long minutes = seconds / 60;
    long hours = minutes / 60;
    long days = hours / 24;
    if (seconds < 120) {
      return seconds + "s";
    }
    if (minutes < 10) {
      return minutes + "m" + (seconds % 60 == 0 ? "" : seconds % 60 + "s");
    }
    if (hours < 3) {
      return minutes + "m";
    }
    if (hours < 8) {
      return hours + "h" + (minutes % 60 == 0 ? "" : minutes % 60 + "m");
    }
    if (hours < 48) {
      return hours + "h";
    }
    if (days < 8) {
      return days + "d" + (hours % 24 == 0 ? "" : hours % 24 + "h");
    }
    if (days < 365 * 2) {
      return days + "d";
    }
    return days / 365 + "y";
  }
}

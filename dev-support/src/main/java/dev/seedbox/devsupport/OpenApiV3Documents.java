package dev.seedbox.devsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The OpenAPI v3 documents of our custom resources, one per group-version, as a cluster publishes them
 * ({@code GET /openapi/v3} lists them, {@code GET /openapi/v3/apis/<group>/<version>} is one): kubectl 1.27 and
 * later answer {@code explain} from them. Each served CRD version becomes {@code components.schemas} entries named as
 * a cluster names them ({@code dev.seedbox.v1alpha1.Seedbox} and its {@code SeedboxList}) with
 * {@code x-kubernetes-group-version-kind}, beside the ObjectMeta schemas they reference.
 *
 * <p>The paths are each kind's list operation, through which explain finds the kind's schema, and its patch
 * operation, which offers {@code fieldValidation}: kubectl then validates nothing itself and asks the server to
 * refuse undeclared fields ({@link UnknownFields}), as against a cluster, which also lets a partial
 * server-side apply configuration through to be merged. Core group-versions are not listed: for Namespaces,
 * Secrets and Events kubectl finds no v3 document and falls back to v2 as before (whose document describes none of
 * them, so nothing is checked client-side), and {@code explain} of a core kind is not served.
 */
final class OpenApiV3Documents {

  private static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";

  private final ObjectMapper json;

  OpenApiV3Documents(ObjectMapper json) {
    this.json = json;
  }

  /** {@code GET /openapi/v3}: each group-version's document, addressed with a hash of its content. */
  ObjectNode discovery(List<JsonNode> crds) {
    ObjectNode root = json.createObjectNode();
    ObjectNode paths = root.putObject("paths");
    documents(crds).forEach((path, document) -> paths.putObject(path)
        .put("serverRelativeURL", "/openapi/v3/" + path + "?hash=" + hash(document)));
    return root;
  }

  /**
   * The document of one group-version, e.g. {@code apis/seedbox.dev/v1alpha1}; empty when no served CRD version
   * has that group and version.
   */
  Optional<String> document(String groupVersionPath, List<JsonNode> crds) {
    return Optional.ofNullable(documents(crds).get(groupVersionPath));
  }

  /** Whether this hash addresses the current document: only then may a client cache the answer for good. */
  boolean isCurrent(String groupVersionPath, String hash, List<JsonNode> crds) {
    return document(groupVersionPath, crds).map(d -> hash(d).equals(hash)).orElse(false);
  }

  private Map<String, String> documents(List<JsonNode> crds) {
    Map<String, ObjectNode> schemasByPath = new LinkedHashMap<>();
    Map<String, ObjectNode> pathsByPath = new LinkedHashMap<>();
    for (JsonNode crd : crds) {
      JsonNode spec = crd.path("spec");
      String group = spec.path("group").asText();
      String kind = spec.path("names").path("kind").asText();
      for (JsonNode version : spec.path("versions")) {
        if (!version.path("served").asBoolean(true)) {
          continue;
        }
        String name = version.path("name").asText();
        String groupVersion = "apis/" + group + "/" + name;
        ObjectNode schemas = schemasByPath.computeIfAbsent(groupVersion, p -> metaSchemas());
        String definition = OpenApiV2Document.definitionName(group, name, kind);
        schemas.set(definition, kindSchema(version.path("schema").path("openAPIV3Schema"), group, name, kind));
        schemas.set(definition + "List", listSchema(definition, group, name, kind));
        boolean namespaced = "Namespaced".equals(spec.path("scope").asText("Namespaced"));
        String plural = spec.path("names").path("plural").asText();
        String collection = "/" + groupVersion + (namespaced ? "/namespaces/{namespace}/" : "/") + plural;
        ObjectNode paths = pathsByPath.computeIfAbsent(groupVersion, p -> json.createObjectNode());
        paths.set(collection, listPath(definition + "List", group, name, kind));
        paths.set(collection + "/{name}", objectPath(definition, group, name, kind));
      }
    }
    Map<String, String> documents = new LinkedHashMap<>();
    schemasByPath.forEach((path, schemas) -> {
      ObjectNode document = json.createObjectNode().put("openapi", "3.0.0");
      document.putObject("info").put("title", "Kubernetes CRD Swagger").put("version", "v0.1.0");
      document.set("paths", pathsByPath.get(path));
      document.putObject("components").set("schemas", schemas);
      documents.put(path, document.toString());
    });
    return documents;
  }

  private ObjectNode kindSchema(JsonNode openApiV3Schema, String group, String version, String kind) {
    ObjectNode schema = openApiV3Schema.isObject() ? openApiV3Schema.deepCopy() : json.createObjectNode();
    if (!schema.has("type")) {
      schema.put("type", "object");
    }
    ObjectNode given = schema.has("properties") ? (ObjectNode) schema.remove("properties")
        : json.createObjectNode();
    ObjectNode properties = schema.putObject("properties");
    properties.set("apiVersion", typeMeta("apiVersion", "The versioned schema of this representation of an object: "
        + "the API group and version, here " + group + "/" + version + "."));
    properties.set("kind", typeMeta("kind", "The REST resource this object represents, here " + kind + "."));
    properties.set("metadata", reference("ObjectMeta", "Standard object's metadata: name, namespace, labels, "
        + "annotations, finalizers and what the API server records."));
    given.fields().forEachRemaining(field -> {
      if (!field.getKey().equals("metadata")) {
        properties.set(field.getKey(), field.getValue());
      }
    });
    schema.set("x-kubernetes-group-version-kind", groupVersionKind(group, version, kind));
    return schema;
  }

  private ObjectNode listSchema(String definition, String group, String version, String kind) {
    ObjectNode list = json.createObjectNode().put("description", "A list of " + kind + ".").put("type", "object");
    list.putArray("required").add("items");
    ObjectNode properties = list.putObject("properties");
    properties.set("apiVersion", typeMeta("apiVersion", "The API group and version, here " + group + "/" + version
        + "."));
    properties.putObject("items").put("description", "The " + kind + " objects.").put("type", "array")
        .putObject("items").put("$ref", "#/components/schemas/" + definition);
    properties.set("kind", typeMeta("kind", "Here " + kind + "List."));
    properties.set("metadata", reference("ListMeta", "Standard list metadata."));
    list.set("x-kubernetes-group-version-kind", groupVersionKind(group, version, kind + "List"));
    return list;
  }

  /** The list operation of a kind: {@code kubectl explain} finds the kind's schema through the list it answers. */
  private ObjectNode listPath(String listDefinition, String group, String version, String kind) {
    ObjectNode path = json.createObjectNode();
    ObjectNode list = path.putObject("get").put("description", "list or watch objects of kind " + kind);
    ObjectNode content = list.putObject("responses").putObject("200").put("description", "OK")
        .putObject("content");
    for (String mediaType : List.of("application/json", "application/yaml")) {
      content.putObject(mediaType).putObject("schema").put("$ref", "#/components/schemas/" + listDefinition);
    }
    list.put("x-kubernetes-action", "list");
    list.putObject("x-kubernetes-group-version-kind").put("group", group).put("version", version)
        .put("kind", kind);
    return path;
  }

  /**
   * The patch operation of an object, with the query parameters the dev stack's API honours: kubectl reads
   * {@code fieldValidation} here and then leaves validation to the server, as on a cluster.
   */
  private ObjectNode objectPath(String definition, String group, String version, String kind) {
    ObjectNode path = json.createObjectNode();
    ObjectNode patch = path.putObject("patch").put("description", "partially update the specified " + kind);
    ArrayNode parameters = patch.putArray("parameters");
    query(parameters, "dryRun", "All: validate and answer, store nothing.");
    query(parameters, "fieldManager", "Who makes the change; required for apply patches.");
    query(parameters, "fieldValidation", "Strict: refuse fields the schema does not declare.");
    parameters.addObject().put("name", "force").put("in", "query").put("description", "Take over the fields "
        + "another manager applied; for apply patches only.").putObject("schema").put("type", "boolean");
    ObjectNode body = patch.putObject("requestBody").put("required", true).putObject("content");
    for (String mediaType : List.of("application/apply-patch+yaml", "application/json-patch+json",
        "application/merge-patch+json")) {
      body.putObject(mediaType).putObject("schema").put("type", "object");
    }
    patch.putObject("responses").putObject("200").put("description", "OK").putObject("content")
        .putObject("application/json").putObject("schema").put("$ref", "#/components/schemas/" + definition);
    patch.put("x-kubernetes-action", "patch");
    patch.putObject("x-kubernetes-group-version-kind").put("group", group).put("version", version)
        .put("kind", kind);
    return path;
  }

  private static void query(ArrayNode parameters, String name, String description) {
    parameters.addObject().put("name", name).put("in", "query").put("description", description)
        .putObject("schema").put("type", "string");
  }

  private ObjectNode typeMeta(String field, String description) {
    return json.createObjectNode().put("description", description).put("type", "string");
  }

  /** A field of a type defined once: OpenAPI 3 ignores what sits beside a {@code $ref}, so it goes in allOf. */
  private ObjectNode reference(String metaType, String description) {
    ObjectNode field = json.createObjectNode();
    field.putArray("allOf").addObject().put("$ref", "#/components/schemas/" + META + metaType);
    field.put("description", description);
    return field;
  }

  private ArrayNode groupVersionKind(String group, String version, String kind) {
    ArrayNode gvk = json.createArrayNode();
    gvk.addObject().put("group", group).put("kind", kind).put("version", version);
    return gvk;
  }

  /** ObjectMeta and the types it is made of, as every group-version document of a cluster carries them. */
  private ObjectNode metaSchemas() {
    ObjectNode schemas = json.createObjectNode();
    ObjectNode objectMeta = object(schemas, "ObjectMeta", "Metadata every persisted resource has: its name and "
        + "namespace, labels and annotations, and what the API server records about it.");
    ObjectNode meta = objectMeta.putObject("properties");
    stringMap(meta, "annotations", "Unstructured key-value data kept with the object, for tools and people; not "
        + "queryable.");
    meta.set("creationTimestamp", reference("Time", "When the API server stored the object first. Set by the "
        + "server, read-only."));
    integer(meta, "deletionGracePeriodSeconds", "Seconds the object is allowed to end gracefully before it is "
        + "removed. Set by the server with deletionTimestamp.");
    meta.set("deletionTimestamp", reference("Time", "When the object is to be deleted: set by the server on a "
        + "delete request while finalizers remain. Read-only."));
    stringSet(meta, "finalizers", "Entries that must be removed before the object is deleted from the store; "
        + "each names the controller that still has cleanup to do.");
    string(meta, "generateName", "A prefix the server makes a unique name from when name is empty.");
    integer(meta, "generation", "A sequence number of the desired state, bumped on each spec change. Set by the "
        + "server, read-only.");
    stringMap(meta, "labels", "Key-value pairs that organise and select objects (label selectors).");
    ObjectNode managedFields = meta.putObject("managedFields").put("description", "Which field manager owns "
        + "which fields and with which operation: server-side apply keeps it. Rarely edited by hand.")
        .put("type", "array");
    managedFields.putObject("items").putArray("allOf").addObject()
        .put("$ref", "#/components/schemas/" + META + "ManagedFieldsEntry");
    string(meta, "name", "Unique within the namespace; required on create unless generateName is set. Cannot "
        + "be changed.");
    string(meta, "namespace", "The namespace the name is unique in. Cannot be changed.");
    ObjectNode owners = meta.putObject("ownerReferences").put("description", "Objects this one depends on; it "
        + "is garbage-collected once every owner is gone.").put("type", "array");
    owners.putObject("items").putArray("allOf").addObject()
        .put("$ref", "#/components/schemas/" + META + "OwnerReference");
    owners.put("x-kubernetes-list-type", "map").putArray("x-kubernetes-list-map-keys").add("uid");
    string(meta, "resourceVersion", "The version of the object clients use for optimistic concurrency and "
        + "watches; opaque, set by the server.");
    string(meta, "selfLink", "Deprecated; not set.");
    string(meta, "uid", "Unique in time and space for this object; set by the server, read-only.");

    ObjectNode listMeta = object(schemas, "ListMeta", "Metadata of a list: its resourceVersion and "
        + "continuation.");
    ObjectNode list = listMeta.putObject("properties");
    string(list, "continue", "Set when the list was truncated: pass it back to get the next part.");
    integer(list, "remainingItemCount", "How many items the truncated list left out, when known.");
    string(list, "resourceVersion", "The version of the store this list was read at.");
    string(list, "selfLink", "Deprecated; not set.");

    ObjectNode entry = object(schemas, "ManagedFieldsEntry", "One field manager's ownership of a set of fields.");
    ObjectNode entryFields = entry.putObject("properties");
    string(entryFields, "apiVersion", "The version of the resource the fields are recorded in.");
    string(entryFields, "fieldsType", "How fieldsV1 is encoded; only FieldsV1.");
    entryFields.set("fieldsV1", reference("FieldsV1", "The set of fields this manager owns."));
    string(entryFields, "manager", "Who manages the fields: the fieldManager of the request.");
    string(entryFields, "operation", "Apply or Update: how the fields were last written.");
    string(entryFields, "subresource", "The subresource the fields were written through, e.g. status.");
    entryFields.set("time", reference("Time", "When the fields were last written."));

    ObjectNode owner = object(schemas, "OwnerReference", "An object this one depends on.");
    owner.putArray("required").add("apiVersion").add("kind").add("name").add("uid");
    ObjectNode ownerFields = owner.putObject("properties");
    string(ownerFields, "apiVersion", "API version of the owner.");
    ownerFields.putObject("blockOwnerDeletion").put("description", "When true, the owner cannot be deleted in "
        + "the foreground before this object is gone.").put("type", "boolean");
    ownerFields.putObject("controller").put("description", "When true, the owner is this object's managing "
        + "controller.").put("type", "boolean");
    string(ownerFields, "kind", "Kind of the owner.");
    string(ownerFields, "name", "Name of the owner.");
    string(ownerFields, "uid", "UID of the owner.");
    owner.put("x-kubernetes-map-type", "atomic");

    schemas.putObject(META + "Time").put("description", "A time in RFC 3339 form, to the second, in UTC.")
        .put("type", "string").put("format", "date-time");
    schemas.putObject(META + "FieldsV1").put("description", "A set of fields as a trie: each key f:<name>, "
        + "k:<keys> or v:<value> names a child; . is the field itself.").put("type", "object");
    return schemas;
  }

  private static ObjectNode object(ObjectNode schemas, String metaType, String description) {
    return schemas.putObject(META + metaType).put("description", description).put("type", "object");
  }

  private static void string(ObjectNode properties, String name, String description) {
    properties.putObject(name).put("description", description).put("type", "string");
  }

  private static void integer(ObjectNode properties, String name, String description) {
    properties.putObject(name).put("description", description).put("type", "integer").put("format", "int64");
  }

  private static void stringMap(ObjectNode properties, String name, String description) {
    ObjectNode map = properties.putObject(name).put("description", description).put("type", "object");
    map.putObject("additionalProperties").put("type", "string");
  }

  private static void stringSet(ObjectNode properties, String name, String description) {
    ObjectNode set = properties.putObject(name).put("description", description).put("type", "array");
    set.putObject("items").put("type", "string");
    set.put("x-kubernetes-list-type", "set");
  }

  /** What a cluster addresses a document by: a digest of its content, so a changed CRD gets a new address. */
  private static String hash(String document) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-512").digest(document.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().withUpperCase().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-512 is part of every Java runtime", e);
    }
  }
}

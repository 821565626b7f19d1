package dev.seedbox.devsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Discovery and CRUD ({@link ApiDiscoveryDispatcher}) plus what a cluster's API server does and the mock does not,
 * where kubectl and the operator notice: custom resources are validated against their CRD's schema on create,
 * update and patch (422 {@code Invalid} with the field errors), and with {@code fieldValidation=Strict} an
 * undeclared field is refused (400, {@link UnknownFields}); {@code /openapi/v3} ({@link OpenApiV3Documents})
 * describes them for {@code kubectl explain} and offers that parameter, so kubectl leaves validation to us, and
 * {@code /openapi/v2} ({@link OpenApiV2Document}) serves kubectl versions that read only v2; server-side apply
 * ({@link ServerSideApply}) is stored as the create or update it comes to, validated like one; a write with
 * {@code dryRun=All} is validated and answered, and nothing is stored; {@code kubectl get} gets a Table with the CRD's
 * printer columns; a Namespace or Secret sent in protobuf (kubectl create does) is read ({@link ProtobufObjects}),
 * any other protobuf body or answer is refused (415, 406), so clients use JSON; strategic merge
 * patches of custom resources are refused (415) as a cluster refuses them; Events can be listed by the
 * {@code involvedObject} field selectors {@code kubectl describe} uses.
 *
 * <p>A request with the header {@value #UNVALIDATED_HEADER} is stored without validation: it stands in for an
 * object stored before its schema changed, which a cluster keeps serving.
 */
public class ClusterLikeApiDispatcher extends ApiDiscoveryDispatcher {

  public static final String UNVALIDATED_HEADER = "X-Seedbox-Dev-Unvalidated";

  private static final String PROTOBUF = "application/vnd.kubernetes.protobuf";
  private static final String MERGE_PATCH = "application/merge-patch+json";
  private static final String JSON_PATCH = "application/json-patch+json";
  private static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
  private static final String APPLY_PATCH = "application/apply-patch+yaml";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final PrinterColumnTable tables;
  private final ProtobufObjects protobuf = new ProtobufObjects(json());
  private final Map<String, CrdSchemaValidator> validators = new ConcurrentHashMap<>();
  private final OpenApiV3Documents openApiV3 = new OpenApiV3Documents(json());
  private final ServerSideApply serverSideApply;

  public ClusterLikeApiDispatcher() {
    this(Clock.systemUTC());
  }

  /** @param clock what table ages are measured against: the mock stamps objects with the real time */
  public ClusterLikeApiDispatcher(Clock clock) {
    this.tables = new PrinterColumnTable(json(), clock);
    this.serverSideApply = new ServerSideApply(json(), clock);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String method = request.getMethod().toUpperCase(Locale.ROOT);
    String contentType = header(request, "Content-Type");
    String accept = header(request, "Accept");
    if (method.equals("POST") && contentType.contains(PROTOBUF)) {
      Optional<ObjectNode> object = request.getBody() == null ? Optional.empty()
          : protobuf.toJson(request.getBody().getBytes());
      if (object.isPresent()) {
        // answered in JSON, said so: kubectl decodes by the answer's content type
        return dispatch(asJson(request, object.get())).setHeader("Content-Type", "application/json");
      }
    }
    if (!method.equals("GET") && !method.equals("DELETE") && contentType.contains(PROTOBUF)) {
      return status(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted "
          + "media types include: application/json, application/yaml", null);
    }
    if (!accept.isEmpty() && acceptsOnlyProtobuf(accept)) {
      return status(406, "NotAcceptable", "only the following media types are accepted: application/json, "
          + "application/yaml", null);
    }
    String path = request.getPath();
    if (method.equals("GET") && path.replaceFirst("\\?.*$", "").equals("/openapi/v2")) {
      return new MockResponse().setResponseCode(200).setHeader("Content-Type", OpenApiV2Document.CONTENT_TYPE)
          .setBody(OpenApiV2Document.of(storedCrds()));
    }
    if (method.equals("GET") && path.startsWith("/openapi/v3")) {
      return openApiV3(path, accept);
    }
    ResourcePath resource = ResourcePath.parse(path);
    JsonNode crdVersion = resource == null ? null : crdVersion(resource);
    if (method.equals("PATCH") && contentType.startsWith(APPLY_PATCH) && resource != null
        && resource.name() != null) {
      return apply(request, resource, crdVersion);
    }
    if (crdVersion != null && request.getHeader(UNVALIDATED_HEADER) == null) {
      MockResponse refused = refuseInvalid(request, method, contentType, resource, crdVersion);
      if (refused != null) {
        return refused;
      }
    }
    if (resource != null && !method.equals("GET") && isDryRun(request, method, resource)) {
      return dryRun(request, method, contentType, resource);
    }
    if (method.equals("GET") && accept.contains("as=Table") && resource != null && !resource.watch()) {
      return asTable(super.dispatch(request), crdVersion);
    }
    if (method.equals("GET") && resource != null && resource.plural().equals("events") && resource.name() == null
        && resource.fieldSelector() != null) {
      return eventsMatching(super.dispatch(request), resource.fieldSelector());
    }
    return super.dispatch(request);
  }

  /** {@code /openapi/v3} and the documents it lists, in JSON: kubectl asks for JSON and so does explain. */
  private MockResponse openApiV3(String path, String accept) {
    if (!accept.isEmpty() && !acceptsJson(accept)) {
      return status(406, "NotAcceptable", "only the following media types are accepted: application/json", null);
    }
    int query = path.indexOf('?');
    String bare = (query < 0 ? path : path.substring(0, query)).replaceAll("/+$", "");
    List<JsonNode> crds = storedCrds();
    if (bare.equals("/openapi/v3")) {
      return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
          .setHeader("Cache-Control", "no-cache, private").setBody(openApiV3.discovery(crds).toString());
    }
    String groupVersion = bare.substring("/openapi/v3".length()).replaceFirst("^/", "");
    Optional<String> document = openApiV3.document(groupVersion, crds);
    if (document.isEmpty()) {
      return status(404, "NotFound", "the server could not find the requested resource " + bare, null);
    }
    String hash = ResourcePath.params(query < 0 ? "" : path.substring(query + 1)).getOrDefault("hash", "");
    return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
        .setHeader("Cache-Control", openApiV3.isCurrent(groupVersion, hash, crds) ? "public, immutable"
            : "no-cache, private")
        .setBody(document.get());
  }

  private static boolean acceptsJson(String accept) {
    for (String type : accept.split(",")) {
      String bare = type.split(";")[0].trim();
      if (bare.equals("application/json") || bare.equals("*/*") || bare.equals("application/*")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Server-side apply ({@link ServerSideApply}), stored as the create or update it comes to, so it is validated
   * and answered like one (201 when it created the object).
   */
  private MockResponse apply(RecordedRequest request, ResourcePath resource, JsonNode crdVersion) {
    if (resource.subresource() != null) {
      return status(415, "UnsupportedMediaType", "server-side apply of the " + resource.subresource()
          + " subresource is not served by the dev stack; apply the object itself", null);
    }
    String manager = resource.params().getOrDefault("fieldManager", "");
    if (manager.isEmpty()) {
      return status(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is "
          + "required for apply patch", null);
    }
    ObjectNode configuration;
    try {
      JsonNode body = YAML.readTree(bodyOf(request));
      if (body == null || !body.isObject()) {
        return status(400, "BadRequest", "the apply configuration is not an object", null);
      }
      configuration = (ObjectNode) body;
    } catch (IOException e) {
      return status(400, "BadRequest", "error decoding YAML: " + e.getMessage(), null);
    }
    String name = configuration.path("metadata").path("name").asText();
    if (!name.equals(resource.name())) {
      return status(400, "BadRequest", "the name of the object (" + name + ") does not match the name on the URL ("
          + resource.name() + ")", null);
    }
    if (resource.namespace() != null) {
      configuration.withObjectProperty("metadata").put("namespace", resource.namespace());
    }
    JsonNode current = stored(resource);
    JsonNode schema = crdVersion == null ? null : crdVersion.path("schema").path("openAPIV3Schema");
    boolean force = "true".equals(resource.params().get("force"));
    ServerSideApply.Outcome outcome = serverSideApply.apply(current, configuration, schema, manager, force);
    if (outcome instanceof ServerSideApply.Conflicted conflicted) {
      return conflict(conflicted, configuration, resource);
    }
    ObjectNode merged = ((ServerSideApply.Merged) outcome).object();
    boolean create = current == null;
    Headers headers = request.getHeaders().newBuilder().set("Content-Type", "application/json")
        .set("Accept", "application/json").build();
    // the write the apply comes to is asked for with the apply's dry run and field validation
    List<String> passedOn = new java.util.ArrayList<>();
    for (String option : List.of("dryRun", "fieldValidation")) {
      if (resource.params().containsKey(option)) {
        passedOn.add(option + "=" + resource.params().get(option));
      }
    }
    String path = (create ? resource.collectionPath() : resource.objectPath())
        + (passedOn.isEmpty() ? "" : "?" + String.join("&", passedOn));
    return dispatch(new RecordedRequest(request.getHttpVersion(), create ? HttpMethod.POST : HttpMethod.PUT, path,
        headers, new Buffer(merged.toString().getBytes(StandardCharsets.UTF_8))));
  }

  private MockResponse conflict(ServerSideApply.Conflicted conflicted, ObjectNode configuration,
      ResourcePath resource) {
    List<ServerSideApply.Conflict> conflicts = conflicted.conflicts();
    StringBuilder message = new StringBuilder("Apply failed with " + conflicts.size() + " conflict"
        + (conflicts.size() == 1 ? "" : "s") + ": ");
    ObjectNode details = json().createObjectNode().put("name", resource.name()).put("group", resource.group())
        .put("kind", configuration.path("kind").asText());
    ArrayNode causes = details.putArray("causes");
    for (int i = 0; i < conflicts.size(); i++) {
      ServerSideApply.Conflict conflict = conflicts.get(i);
      String with = "conflict with \"" + conflict.manager() + "\"";
      message.append(i == 0 ? "" : "\n").append(with).append(": ").append(conflict.field());
      causes.addObject().put("reason", "FieldManagerConflict").put("message", with).put("field", conflict.field());
    }
    return status(409, "Conflict", message.toString(), details);
  }

  /** The same request with a JSON body, answered in JSON. */
  private static RecordedRequest asJson(RecordedRequest request, ObjectNode body) {
    Headers headers = request.getHeaders().newBuilder().set("Content-Type", "application/json")
        .set("Accept", "application/json").build();
    return new RecordedRequest(request.getHttpVersion(), request.method(), request.getPath(), headers,
        new Buffer(body.toString().getBytes(StandardCharsets.UTF_8)));
  }

  /** The answer to an invalid write, or null when the write may go ahead. */
  private MockResponse refuseInvalid(RecordedRequest request, String method, String contentType,
      ResourcePath resource, JsonNode crdVersion) {
    if (method.equals("PATCH") && contentType.startsWith(STRATEGIC_MERGE_PATCH)) {
      return status(415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
          + "accepted media types include: application/json-patch+json, application/merge-patch+json, "
          + "application/apply-patch+yaml", null);
    }
    JsonNode result = written(request, method, contentType, resource);
    if (result == null) {
      return null;
    }
    if ("Strict".equals(resource.params().get("fieldValidation"))) {
      JsonNode before = method.equals("POST") ? null : stored(resource);
      List<String> unknown = UnknownFields.in(result, crdVersion.path("schema").path("openAPIV3Schema")).stream()
          .filter(field -> before == null || !before.at(pointer(field)).equals(result.at(pointer(field))))
          .toList();
      if (!unknown.isEmpty()) {
        String kind = crdVersion.path("kind").asText();
        return status(400, "BadRequest", kind + " in version \"" + resource.version() + "\" cannot be handled as a "
            + kind + ": strict decoding error: " + String.join(", ", unknown.stream()
                .map(field -> "unknown field \"" + field + "\"").toList()), null);
      }
    }
    List<CrdSchemaValidator.FieldError> errors = validator(crdVersion).validate(result);
    if (!method.equals("POST") && !errors.isEmpty()) {
      // validation ratchets as on Kubernetes 1.30+: a field the write leaves as it was is not held against it, so
      // an object stored before a schema change can still get a finalizer and a status
      JsonNode before = stored(resource);
      JsonNode after = result;
      errors = errors.stream().filter(e -> before == null
          || !before.at(pointer(e.field())).equals(after.at(pointer(e.field())))).toList();
    }
    if (errors.isEmpty()) {
      return null;
    }
    String kind = crdVersion.path("kind").asText();
    String name = result.path("metadata").path("name").asText(resource.name() == null ? "" : resource.name());
    String listed = errors.size() == 1 ? errors.get(0).toString()
        : errors.stream().map(Object::toString).toList().toString();
    ObjectNode details = json().createObjectNode().put("name", name).put("group", resource.group())
        .put("kind", kind);
    ArrayNode causes = details.putArray("causes");
    for (CrdSchemaValidator.FieldError error : errors) {
      causes.addObject().put("reason", error.reason()).put("message", error.message()).put("field", error.field());
    }
    return status(422, "Invalid", kind + "." + resource.group() + " \"" + name + "\" is invalid: " + listed,
        details);
  }

  /**
   * The object a create, update or patch would store; null when the body is not JSON, the patch does not apply or
   * there is nothing to patch: the CRUD dispatcher gives its own answer then.
   */
  private JsonNode written(RecordedRequest request, String method, String contentType, ResourcePath resource) {
    try {
      switch (method) {
        case "POST", "PUT" -> {
          return json().readTree(bodyOf(request));
        }
        case "PATCH" -> {
          // a strategic merge patch reaches here for core kinds only, whose lists kubectl rarely patches
          boolean jsonPatch = contentType.startsWith(JSON_PATCH);
          if (!jsonPatch && !contentType.startsWith(MERGE_PATCH) && !contentType.startsWith(STRATEGIC_MERGE_PATCH)) {
            return null;
          }
          JsonNode current = stored(resource);
          if (current == null) {
            return null;
          }
          JsonNode patch = json().readTree(bodyOf(request));
          return jsonPatch ? JsonPatch.apply(patch, current) : merge(current, patch);
        }
        default -> {
          return null;
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * {@code dryRun=All}: the answer the write would get, with nothing stored, so {@code kubectl --dry-run=server}
   * creates no seedbox. Validation has already run; what the server would add on storing (uid, resourceVersion,
   * creationTimestamp) is left out.
   */
  private MockResponse dryRun(RecordedRequest request, String method, String contentType, ResourcePath resource) {
    JsonNode existing = stored(resource);
    if (method.equals("DELETE")) {
      return existing == null ? notFound(resource) : object(200, existing);
    }
    JsonNode result = written(request, method, contentType, resource);
    if (result == null || !result.isObject()) {
      return existing == null && !method.equals("POST") ? notFound(resource)
          : status(400, "BadRequest", "the body of the request could not be applied to the object", null);
    }
    if (method.equals("POST")) {
      String name = result.path("metadata").path("name").asText();
      MockResponse found = super.handleGet(resource.collectionPath() + "/" + name);
      if (found.code() == 200) {
        return status(409, "AlreadyExists", resource.plural() + "." + resource.group() + " \"" + name
            + "\" already exists", null);
      }
      if (resource.namespace() != null) {
        ((ObjectNode) result).withObjectProperty("metadata").put("namespace", resource.namespace());
      }
      return object(201, result);
    }
    return existing == null ? notFound(resource) : object(200, result);
  }

  /** A write's dryRun: a query parameter, or in the DeleteOptions body that {@code kubectl delete} sends. */
  private boolean isDryRun(RecordedRequest request, String method, ResourcePath resource) {
    if ("All".equals(resource.params().get("dryRun"))) {
      return true;
    }
    if (!method.equals("DELETE") || request.getBody() == null || request.getBody().size() == 0) {
      return false;
    }
    try {
      for (JsonNode value : json().readTree(bodyOf(request)).path("dryRun")) {
        if (value.asText().equals("All")) {
          return true;
        }
      }
    } catch (IOException e) {
      // a body that is no DeleteOptions asks for no dry run
    }
    return false;
  }

  private MockResponse object(int code, JsonNode object) {
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
        .setBody(object.toString());
  }

  private MockResponse notFound(ResourcePath resource) {
    return status(404, "NotFound", resource.plural() + "." + resource.group() + " \"" + resource.name()
        + "\" not found", null);
  }

  /** The object as stored now; null when there is none. */
  private JsonNode stored(ResourcePath resource) {
    if (resource.name() == null) {
      return null;
    }
    MockResponse stored = super.handleGet(resource.objectPath());
    if (stored.code() != 200 || stored.getBody() == null) {
      return null;
    }
    try {
      return json().readTree(stored.getBody().readUtf8());
    } catch (IOException e) {
      return null;
    }
  }

  /** {@code spec.ports[1].name} as the JSON pointer {@code /spec/ports/1/name}. */
  private static com.fasterxml.jackson.core.JsonPointer pointer(String field) {
    String path = field.isEmpty() ? "" : "/" + field.replace("~", "~0").replace("/", "~1")
        .replaceAll("\\[(\\d+)\\]", ".$1").replace(".", "/");
    return com.fasterxml.jackson.core.JsonPointer.compile(path);
  }

  /** RFC 7386: objects merge member by member, null removes, anything else replaces. */
  static JsonNode merge(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch;
    }
    ObjectNode merged = target != null && target.isObject() ? ((ObjectNode) target).deepCopy()
        : ((ObjectNode) patch).objectNode();
    patch.fields().forEachRemaining(member -> {
      if (member.getValue().isNull()) {
        merged.remove(member.getKey());
      } else {
        merged.set(member.getKey(), merge(merged.get(member.getKey()), member.getValue()));
      }
    });
    return merged;
  }

  private MockResponse asTable(MockResponse answer, JsonNode crdVersion) {
    if (answer.code() != 200 || answer.getBody() == null) {
      return answer;
    }
    try {
      JsonNode body = json().readTree(answer.getBody().readUtf8());
      List<PrinterColumnTable.Column> columns = crdVersion == null ? PrinterColumnTable.defaultColumns()
          : PrinterColumnTable.columnsOf(crdVersion);
      return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
          .setBody(tables.table(body, columns).toString());
    } catch (IOException e) {
      return answer;
    }
  }

  private MockResponse eventsMatching(MockResponse answer, String fieldSelector) {
    if (answer.code() != 200 || answer.getBody() == null) {
      return answer;
    }
    Map<String, String> wanted = new LinkedHashMap<>();
    for (String term : fieldSelector.split(",")) {
      int eq = term.indexOf('=');
      if (eq > 0) {
        wanted.put(term.substring(0, eq).trim(), term.substring(eq + 1).replaceFirst("^=", "").trim());
      }
    }
    try {
      JsonNode list = json().readTree(answer.getBody().readUtf8());
      ArrayNode kept = json().createArrayNode();
      for (JsonNode event : list.path("items")) {
        boolean matches = wanted.entrySet().stream().allMatch(w -> w.getValue().equals(
            PrinterColumnTable.evaluate(event, "." + w.getKey()) == null ? ""
                : PrinterColumnTable.evaluate(event, "." + w.getKey()).asText()));
        if (matches) {
          kept.add(event);
        }
      }
      ((ObjectNode) list).set("items", kept);
      return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
          .setBody(list.toString());
    } catch (IOException e) {
      return answer;
    }
  }

  /** The served version of the CRD for this path's group and plural; null for kinds without a CRD. */
  private JsonNode crdVersion(ResourcePath resource) {
    if (resource.group().isEmpty()) {
      return null;
    }
    for (JsonNode crd : storedCrds()) {
      JsonNode spec = crd.path("spec");
      if (spec.path("group").asText().equals(resource.group())
          && spec.path("names").path("plural").asText().equals(resource.plural())) {
        for (JsonNode version : spec.path("versions")) {
          if (version.path("name").asText().equals(resource.version())) {
            ObjectNode withKind = version.deepCopy();
            withKind.put("kind", spec.path("names").path("kind").asText());
            return withKind;
          }
        }
      }
    }
    return null;
  }

  private CrdSchemaValidator validator(JsonNode crdVersion) {
    JsonNode schema = crdVersion.path("schema").path("openAPIV3Schema");
    return validators.computeIfAbsent(schema.toString(), key -> CrdSchemaValidator.of(schema));
  }

  private MockResponse status(int code, String reason, String message, ObjectNode details) {
    ObjectNode status = json().createObjectNode().put("kind", "Status").put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure").put("message", message).put("reason", reason);
    if (details != null) {
      status.set("details", details);
    }
    status.put("code", code);
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
        .setBody(status.toString());
  }

  private static boolean acceptsOnlyProtobuf(String accept) {
    for (String type : accept.split(",")) {
      String bare = type.split(";")[0].trim();
      if (!bare.equals(PROTOBUF)) {
        return false;
      }
    }
    return true;
  }

  /** The body, read without consuming it: the CRUD dispatcher reads it after us. */
  private static String bodyOf(RecordedRequest request) {
    return request.getBody() == null ? "" : new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
  }

  private static String header(RecordedRequest request, String name) {
    String value = request.getHeader(name);
    return value == null ? "" : value;
  }

  /**
   * A request path of the resource API: {@code /api/v1/...} or {@code /apis/<group>/<version>/...}, with an
   * optional namespace, the plural, a name and a subresource.
   */
  record ResourcePath(String group, String version, String namespace, String plural, String name,
      String subresource, boolean watch, String fieldSelector, String resourceVersion, Map<String, String> params) {

    static ResourcePath parse(String rawPath) {
      int query = rawPath.indexOf('?');
      String path = query < 0 ? rawPath : rawPath.substring(0, query);
      Map<String, String> params = query < 0 ? Map.of() : params(rawPath.substring(query + 1));
      String[] parts = path.replaceAll("/+$", "").split("/");
      int at;
      String group;
      String version;
      if (parts.length >= 4 && parts[1].equals("api")) {
        group = "";
        version = parts[2];
        at = 3;
      } else if (parts.length >= 5 && parts[1].equals("apis")) {
        group = parts[2];
        version = parts[3];
        at = 4;
      } else {
        return null;
      }
      String namespace = null;
      if (parts.length > at + 2 && parts[at].equals("namespaces")) {
        namespace = parts[at + 1];
        at += 2;
      }
      String plural = parts[at];
      String name = parts.length > at + 1 ? parts[at + 1] : null;
      String subresource = parts.length > at + 2 ? parts[at + 2] : null;
      boolean watch = "true".equals(params.get("watch")) || "1".equals(params.get("watch"));
      return new ResourcePath(group, version, namespace, plural, name, subresource, watch,
          params.get("fieldSelector"), params.get("resourceVersion"), params);
    }

    /** The object itself, whatever subresource the request named. */
    String objectPath() {
      return collectionPath() + "/" + name;
    }

    /** Where objects of this kind are created. */
    String collectionPath() {
      String base = group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
      return base + (namespace == null ? "" : "/namespaces/" + namespace) + "/" + plural;
    }

    static Map<String, String> params(String query) {
      Map<String, String> params = new LinkedHashMap<>();
      for (String pair : query.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        params.put(key, value);
      }
      return params;
    }
  }
}

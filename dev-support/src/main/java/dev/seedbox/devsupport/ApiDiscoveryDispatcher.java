package dev.seedbox.devsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fabric8 mock server's CRUD behaviour plus the API discovery it lacks, so real {@code kubectl} can talk to it
 * (kubectl discovers resources before it touches them). Serves {@code /version}, {@code /api}, {@code /api/v1}
 * (the core resources the dev stack uses), {@code /apis}, {@code /apis/<group>} and {@code /apis/<group>/<version>},
 * computed on each request from the CRDs stored in the mock, so a CRD applied later is discoverable at once. Query
 * strings are ignored; every other request goes to the CRUD dispatcher.
 *
 * <p>For development and tests only (the dev stack, the operator's test harness); production never loads it.
 */
public class ApiDiscoveryDispatcher extends KubernetesCrudDispatcher {

  private static final String CRD_LIST = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
  private static final List<String> ALL_VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  /** Built-in groups besides the core one: CRDs themselves (kubectl apply -f crds/) and Leases (leader election). */
  private static final List<BuiltIn> BUILT_IN = List.of(
      new BuiltIn("", "v1", "namespaces", "namespace", "Namespace", false, List.of("ns")),
      new BuiltIn("", "v1", "secrets", "secret", "Secret", true, List.of()),
      new BuiltIn("", "v1", "configmaps", "configmap", "ConfigMap", true, List.of("cm")),
      new BuiltIn("", "v1", "events", "event", "Event", true, List.of("ev")),
      new BuiltIn("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition",
          "CustomResourceDefinition", false, List.of("crd", "crds")),
      new BuiltIn("coordination.k8s.io", "v1", "leases", "lease", "Lease", true, List.of()));

  private final ObjectMapper json = new ObjectMapper();

  protected ObjectMapper json() {
    return json;
  }

  private record BuiltIn(String group, String version, String plural, String singular, String kind,
      boolean namespaced, List<String> shortNames) {
  }

  /** One served version of a resource: what an APIResourceList entry needs. */
  private record Served(String group, String version, String plural, String singular, String kind,
      boolean namespaced, List<String> shortNames, List<String> categories, boolean statusSubresource) {
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    if ("GET".equalsIgnoreCase(request.getMethod())) {
      String path = withoutQuery(request.getPath());
      JsonNode answer = discovery(path);
      if (answer != null) {
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
            .setBody(answer.toString());
      }
      if (isDiscoveryPath(path)) {
        // The CRUD store would answer an empty list; a real API server says the group/version does not exist.
        return new MockResponse().setResponseCode(404).setHeader("Content-Type", "application/json")
            .setBody(json.createObjectNode().put("kind", "Status").put("apiVersion", "v1")
                .put("status", "Failure").put("reason", "NotFound").put("code", 404)
                .put("message", "the server could not find the requested resource " + path).toString());
      }
    }
    return super.dispatch(request);
  }

  private static String withoutQuery(String path) {
    int query = path.indexOf('?');
    String bare = query < 0 ? path : path.substring(0, query);
    return bare.length() > 1 && bare.endsWith("/") ? bare.substring(0, bare.length() - 1) : bare;
  }

  private static boolean isDiscoveryPath(String path) {
    String[] parts = path.split("/");
    return (parts.length == 3 || parts.length == 4) && parts[1].equals("apis");
  }

  /** The discovery document for this path, or null when the path is not a discovery path. */
  private JsonNode discovery(String path) {
    if (path.equals("/version")) {
      return json.createObjectNode().put("major", "1").put("minor", "33").put("gitVersion", "v1.33.0")
          .put("platform", "linux/amd64");
    }
    if (path.equals("/api")) {
      ObjectNode versions = json.createObjectNode().put("kind", "APIVersions");
      versions.putArray("versions").add("v1");
      versions.putArray("serverAddressByClientCIDRs").addObject()
          .put("clientCIDR", "0.0.0.0/0").put("serverAddress", "");
      return versions;
    }
    String[] parts = path.split("/");
    if (path.equals("/api/v1")) {
      return resourceList("", "v1", servedResources());
    }
    if (path.equals("/apis")) {
      return groupList(servedResources());
    }
    if (parts.length == 3 && parts[1].equals("apis")) {
      return group(parts[2], servedResources());
    }
    if (parts.length == 4 && parts[1].equals("apis")) {
      List<Served> served = servedResources();
      boolean known = served.stream().anyMatch(s -> s.group().equals(parts[2]) && s.version().equals(parts[3]));
      return known ? resourceList(parts[2], parts[3], served) : null;
    }
    return null;
  }

  private List<Served> servedResources() {
    List<Served> served = new ArrayList<>();
    for (BuiltIn b : BUILT_IN) {
      served.add(new Served(b.group(), b.version(), b.plural(), b.singular(), b.kind(), b.namespaced(),
          b.shortNames(), List.of(), false));
    }
    for (JsonNode crd : storedCrds()) {
      JsonNode spec = crd.path("spec");
      JsonNode names = spec.path("names");
      List<String> shortNames = strings(names.path("shortNames"));
      List<String> categories = strings(names.path("categories"));
      for (JsonNode version : spec.path("versions")) {
        if (!version.path("served").asBoolean(true)) {
          continue;
        }
        served.add(new Served(spec.path("group").asText(), version.path("name").asText(),
            names.path("plural").asText(), names.path("singular").asText(), names.path("kind").asText(),
            "Namespaced".equals(spec.path("scope").asText("Namespaced")), shortNames, categories,
            version.path("subresources").has("status")));
      }
    }
    return served;
  }

  /** The CRDs in the store, as JSON. */
  protected List<JsonNode> storedCrds() {
    MockResponse response = super.handleGet(CRD_LIST);
    if (response.code() != 200 || response.getBody() == null) {
      return List.of();
    }
    try {
      List<JsonNode> crds = new ArrayList<>();
      json.readTree(response.getBody().readUtf8()).path("items").forEach(crds::add);
      return crds;
    } catch (java.io.IOException e) {
      return List.of();
    }
  }

  private ObjectNode groupList(List<Served> served) {
    Map<String, List<String>> versionsByGroup = new LinkedHashMap<>();
    for (Served s : served) {
      if (!s.group().isEmpty()) {
        List<String> versions = versionsByGroup.computeIfAbsent(s.group(), g -> new ArrayList<>());
        if (!versions.contains(s.version())) {
          versions.add(s.version());
        }
      }
    }
    ObjectNode list = json.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
    ArrayNode groups = list.putArray("groups");
    versionsByGroup.forEach((name, versions) -> groups.add(groupNode(name, versions)));
    return list;
  }

  private ObjectNode group(String name, List<Served> served) {
    List<String> versions = served.stream().filter(s -> s.group().equals(name)).map(Served::version)
        .distinct().toList();
    if (versions.isEmpty()) {
      return null;
    }
    return groupNode(name, versions).put("kind", "APIGroup").put("apiVersion", "v1");
  }

  private ObjectNode groupNode(String name, List<String> versions) {
    ObjectNode group = json.createObjectNode().put("name", name);
    ArrayNode versionNodes = group.putArray("versions");
    for (String version : versions) {
      versionNodes.addObject().put("groupVersion", name + "/" + version).put("version", version);
    }
    group.putObject("preferredVersion").put("groupVersion", name + "/" + versions.get(0))
        .put("version", versions.get(0));
    return group;
  }

  private ObjectNode resourceList(String group, String version, List<Served> served) {
    ObjectNode list = json.createObjectNode().put("kind", "APIResourceList").put("apiVersion", "v1")
        .put("groupVersion", group.isEmpty() ? version : group + "/" + version);
    ArrayNode resources = list.putArray("resources");
    for (Served s : served) {
      if (!s.group().equals(group) || !s.version().equals(version)) {
        continue;
      }
      ObjectNode resource = resources.addObject()
          .put("name", s.plural())
          .put("singularName", s.singular())
          .put("namespaced", s.namespaced())
          .put("kind", s.kind());
      ArrayNode verbs = resource.putArray("verbs");
      ALL_VERBS.forEach(verbs::add);
      if (!s.shortNames().isEmpty()) {
        ArrayNode shortNames = resource.putArray("shortNames");
        s.shortNames().forEach(shortNames::add);
      }
      if (!s.categories().isEmpty()) {
        ArrayNode categories = resource.putArray("categories");
        s.categories().forEach(categories::add);
      }
      if (s.statusSubresource()) {
        ArrayNode statusVerbs = resources.addObject()
            .put("name", s.plural() + "/status")
            .put("singularName", "")
            .put("namespaced", s.namespaced())
            .put("kind", s.kind())
            .putArray("verbs");
        List.of("get", "patch", "update").forEach(statusVerbs::add);
      }
    }
    return list;
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(node -> values.add(node.asText()));
    return values;
  }
}

package dev.seedbox.operator.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.seedbox.operator.harness.LeaseGrantingDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The harness's dispatcher, writing down every request as the RBAC rule it needs ({@code apiGroup/resource[/sub]} and
 * a verb), so a test can compare what the operator really asks of the API with what the chart grants. Requests sent
 * with {@link #DRIVER_USER_AGENT} (the test driving the resources) and the fixture's own CRD set-up are not the
 * operator's and are left out.
 *
 * <p>A write whose owner references set {@code blockOwnerDeletion: true} also needs {@code update} on the owner's
 * {@code finalizers} subresource (the OwnerReferencesPermissionEnforcement admission plugin checks it).
 */
public final class ApiCallRecorder extends LeaseGrantingDispatcher {

  public static final String DRIVER_USER_AGENT = "seedbox-rbac-test-driver";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Kind -> apiGroup/plural of the kinds that may own what the operator writes. */
  private final Map<String, String> owners;
  private final Map<String, Set<String>> rules = new TreeMap<>();

  public ApiCallRecorder(Map<String, String> owners) {
    this.owners = Map.copyOf(owners);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    record(request);
    return super.dispatch(request);
  }

  /** apiGroup/resource -> verbs, as recorded so far. */
  public synchronized Map<String, Set<String>> rules() {
    Map<String, Set<String>> copy = new TreeMap<>();
    rules.forEach((k, v) -> copy.put(k, new TreeSet<>(v)));
    return copy;
  }

  private synchronized void record(RecordedRequest request) {
    String agent = request.getHeader("User-Agent");
    if (agent != null && agent.contains(DRIVER_USER_AGENT)) {
      return;
    }
    String method = request.getMethod().toUpperCase();
    String path = request.getPath();
    int q = path.indexOf('?');
    String query = q < 0 ? "" : path.substring(q + 1);
    String[] parts = (q < 0 ? path : path.substring(0, q)).replaceAll("^/+", "").split("/");
    // api/v1/... or apis/<group>/<version>/...
    int at;
    String group;
    if (parts.length >= 2 && parts[0].equals("api")) {
      at = 2;
      group = "";
    } else if (parts.length >= 3 && parts[0].equals("apis")) {
      at = 3;
      group = parts[1];
    } else {
      return; // discovery, /version: no rule needed
    }
    if (parts.length <= at) {
      return;
    }
    int rest = parts.length - at;
    String resource;
    boolean named;
    String sub = null;
    if (parts[at].equals("namespaces") && rest >= 3) {
      resource = parts[at + 2];
      named = rest >= 4;
      sub = rest >= 5 ? parts[at + 4] : null;
    } else {
      resource = parts[at];
      named = rest >= 2;
      sub = rest >= 3 ? parts[at + 2] : null;
    }
    if (group.equals("apiextensions.k8s.io") && method.equals("POST")) {
      return; // the fixture applies the CRDs before the operator starts
    }
    String verb = switch (method) {
      case "GET" -> named ? "get" : query.contains("watch=true") ? "watch" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> named ? "delete" : "deletecollection";
      default -> method.toLowerCase();
    };
    add(group + "/" + resource + (sub == null ? "" : "/" + sub), verb);
    if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
      // getBytes() leaves the body for the CRUD dispatcher; reading it would consume it
      blockingOwners(request.getBody() == null ? "" : new String(request.getBody().getBytes(),
          java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  private void blockingOwners(String body) {
    try {
      JsonNode tree = JSON.readTree(body);
      for (JsonNode doc : tree.isArray() ? tree : java.util.List.of(tree)) {
        JsonNode refs = doc.has("metadata") ? doc.path("metadata").path("ownerReferences")
            : doc.path("value").path("ownerReferences");
        for (JsonNode ref : refs) {
          if (ref.path("blockOwnerDeletion").asBoolean(false)) {
            String owner = owners.get(ref.path("kind").asText());
            add((owner == null ? "?/" + ref.path("kind").asText() : owner) + "/finalizers", "update");
          }
        }
      }
    } catch (Exception e) {
      // not JSON (or a patch without metadata): nothing owner-related to record
    }
  }

  private void add(String rule, String verb) {
    rules.computeIfAbsent(rule, k -> new TreeSet<>()).add(verb);
  }
}

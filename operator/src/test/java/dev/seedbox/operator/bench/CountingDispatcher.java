package dev.seedbox.operator.bench;

import dev.seedbox.operator.harness.LeaseGrantingDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The harness's dispatcher, counting requests by verb and resource ({@code PATCH seedboxes/status},
 * {@code POST events}, {@code WATCH seedboxes}) while counting is on, with the content type of patches, so a
 * baseline can repeat exactly the writes the operator made.
 */
final class CountingDispatcher extends LeaseGrantingDispatcher {

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private volatile boolean counting;

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    if (counting) {
      counts.computeIfAbsent(key(request), k -> new LongAdder()).increment();
    }
    return super.dispatch(request);
  }

  void start() {
    counts.clear();
    counting = true;
  }

  /** The counts since {@link #start()}, sorted by key; counting stops. */
  Map<String, Long> stop() {
    counting = false;
    Map<String, Long> result = new TreeMap<>();
    counts.forEach((k, v) -> result.put(k, v.sum()));
    return result;
  }

  static String key(RecordedRequest request) {
    String path = request.getPath();
    int query = path.indexOf('?');
    String q = query < 0 ? "" : path.substring(query);
    String[] parts = (query < 0 ? path : path.substring(0, query)).split("/");
    // /api/v1/namespaces/ns/kind[/name[/sub]] or /apis/group/version/namespaces/ns/kind[/name[/sub]]
    int at = parts.length > 1 && "api".equals(parts[1]) ? 3 : 4;
    String kind;
    if (parts.length > at && "namespaces".equals(parts[at]) && parts.length > at + 2) {
      kind = parts[at + 2] + (parts.length > at + 4 ? "/" + parts[at + 4] : "");
      kind = parts.length > at + 3 ? kind : kind + " (collection)";
    } else {
      kind = parts.length > at ? parts[at] + (parts.length > at + 1 ? "" : " (collection)") : path;
    }
    String verb = request.getMethod().toUpperCase();
    if ("GET".equals(verb) && q.contains("watch=true")) {
      verb = "WATCH";
    }
    if ("PATCH".equals(verb)) {
      String type = request.getHeader("Content-Type");
      verb = "PATCH[" + (type == null ? "?" : type.replace("application/", "").replaceAll(";.*", "")) + "]";
    }
    return verb + " " + kind;
  }
}

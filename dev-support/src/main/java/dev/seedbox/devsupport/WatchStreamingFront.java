package dev.seedbox.devsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The address kubectl talks to: every request is passed to the mock API server unchanged, except watches. The mock
 * serves watches over WebSocket only, while kubectl (like any client-go program) watches over a plain HTTP stream,
 * one JSON event per line; those are answered here from a watch on the mock, with each object as a Table when the
 * client asked for Tables ({@code kubectl get -w}).
 */
final class WatchStreamingFront implements AutoCloseable {

  /** Hop-by-hop headers and those java.net.http sets itself. */
  private static final Set<String> NOT_FORWARDED = Set.of("connection", "content-length", "host", "upgrade",
      "expect", "keep-alive", "transfer-encoding", "te", "trailer", "proxy-connection", "http2-settings");
  private static final Duration LONGEST_WATCH = Duration.ofMinutes(30);
  private static final Object END = new Object();

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "kubectl-front");
    t.setDaemon(true);
    return t;
  });
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final URI mock;
  private final KubernetesClient client;
  private final ObjectMapper json = new ObjectMapper();
  private final PrinterColumnTable tables = new PrinterColumnTable(json, Clock.systemUTC());

  WatchStreamingFront(URI mock, KubernetesClient client) {
    this.mock = mock;
    this.client = client;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      ClusterLikeApiDispatcher.ResourcePath resource = ClusterLikeApiDispatcher.ResourcePath.parse(
          exchange.getRequestURI().toString());
      if ("GET".equals(exchange.getRequestMethod()) && resource != null && resource.watch()) {
        stream(exchange, resource);
      } else {
        forward(exchange);
      }
    }
  }

  private void forward(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    HttpRequest.Builder request = HttpRequest.newBuilder(mock.resolve(exchange.getRequestURI().toString()))
        .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    exchange.getRequestHeaders().forEach((name, values) -> {
      if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
        values.forEach(value -> request.header(name, value));
      }
    });
    HttpResponse<byte[]> answer;
    try {
      answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    answer.headers().map().forEach((name, values) -> {
      if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
        exchange.getResponseHeaders().put(name, values);
      }
    });
    byte[] answered = answer.body();
    exchange.sendResponseHeaders(answer.statusCode(), answered.length == 0 ? -1 : answered.length);
    if (answered.length > 0) {
      exchange.getResponseBody().write(answered);
    }
  }

  /** A watch as client-go reads it: chunked, one {"type":…,"object":…} per line, until the client goes away. */
  private void stream(HttpExchange exchange, ClusterLikeApiDispatcher.ResourcePath resource) throws IOException {
    exchange.getRequestBody().readAllBytes();
    String accept = exchange.getRequestHeaders().getFirst("Accept");
    boolean asTable = accept != null && accept.contains("as=Table");
    List<PrinterColumnTable.Column> columns = asTable ? columnsOf(resource) : List.of();
    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    ResourceDefinitionContext context = new ResourceDefinitionContext.Builder().withGroup(resource.group())
        .withVersion(resource.version()).withPlural(resource.plural()).withNamespaced(resource.namespace() != null)
        .build();
    var resources = client.genericKubernetesResources(context);
    Watcher<GenericKubernetesResource> watcher = new Watcher<>() {
      @Override
      public void eventReceived(Action action, GenericKubernetesResource object) {
        events.add(new Object[] {action.name(), object});
      }

      @Override
      public void onClose(WatcherException cause) {
        events.add(END);
      }
    };
    var options = new ListOptionsBuilder().withResourceVersion(null).build();
    Watch watch = resource.namespace() == null ? resources.inAnyNamespace().watch(options, watcher)
        : resources.inNamespace(resource.namespace()).watch(options, watcher);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("Transfer-Encoding", "chunked");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    long deadline = System.nanoTime() + LONGEST_WATCH.toNanos();
    try (watch) {
      while (System.nanoTime() < deadline) {
        Object next = events.poll(1, TimeUnit.SECONDS);
        if (next == END) {
          return;
        }
        if (next == null) {
          continue;
        }
        Object[] event = (Object[]) next;
        if (seenBefore(resource.resourceVersion(), (String) event[0], (GenericKubernetesResource) event[1])) {
          continue;
        }
        JsonNode object = json.readTree(Serialization.asJson(event[1]));
        ObjectNode line = json.createObjectNode().put("type", (String) event[0]);
        line.set("object", asTable ? tables.table(object, columns) : object);
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (IOException e) {
      // the client went away: the watch ends with it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The mock starts every watch by adding every object it holds; a watch from resourceVersion N (kubectl's, after
   * its list) must only see what changed after N.
   */
  private static boolean seenBefore(String since, String action, GenericKubernetesResource object) {
    if (since == null || since.isEmpty() || since.equals("0") || !"ADDED".equals(action)) {
      return false;
    }
    try {
      return Long.parseLong(object.getMetadata().getResourceVersion()) <= Long.parseLong(since);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private List<PrinterColumnTable.Column> columnsOf(ClusterLikeApiDispatcher.ResourcePath resource) {
    var crds = client.apiextensions().v1().customResourceDefinitions().list().getItems();
    for (var crd : crds) {
      if (crd.getSpec().getGroup().equals(resource.group())
          && crd.getSpec().getNames().getPlural().equals(resource.plural())) {
        for (var version : crd.getSpec().getVersions()) {
          if (version.getName().equals(resource.version())) {
            return PrinterColumnTable.columnsOf(json.valueToTree(version));
          }
        }
      }
    }
    return PrinterColumnTable.defaultColumns();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}

package dev.seedbox.provisioning.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the stateful fakes of the cloud APIs share: a real HTTP server on loopback, bearer-token checks, injected
 * 429s and 5xx, a create whose answer is lost after the server was made, and JSON answers. Subclasses route the
 * provider's real paths; every handler runs under the fake's monitor, so state changes are atomic.
 */
public abstract class FakeCloudApi implements AutoCloseable {

  /** How the next create's answer is lost after the server was created. */
  public enum LostAnswer {
    /** 500 with an error body. */
    SERVER_ERROR,
    /** Content-Length promises more than is sent, then the connection closes. */
    TRUNCATED,
    /** 2xx with a body that is not JSON. */
    MALFORMED
  }

  protected static final ObjectMapper JSON = new ObjectMapper();
  public static final String FORBIDDEN_MESSAGE = "You are not authorized to perform this operation.";

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(8);
  private final String token;
  private volatile String readOnlyToken;
  private final AtomicInteger rateLimited = new AtomicInteger();
  private volatile long rateLimitSeconds = 1;
  private final AtomicInteger serverErrors = new AtomicInteger();
  private final AtomicReference<LostAnswer> loseNextCreate = new AtomicReference<>();
  private final AtomicInteger requests = new AtomicInteger();
  protected volatile Duration activationDelay = Duration.ofMillis(30);
  protected volatile Duration actionDelay = Duration.ofMillis(20);
  private final java.util.List<String> actionsPosted = new java.util.concurrent.CopyOnWriteArrayList<>();

  protected FakeCloudApi(String token) {
    this.token = token;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** Base URL as the provider is configured with it. */
  public abstract URI baseUrl();

  protected URI root() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** A second token that may read but not write, as a token created with read scope only. */
  public void acceptReadOnlyToken(String value) {
    readOnlyToken = value;
  }

  /** The next {@code count} requests are answered 429, asking to wait {@code seconds}. */
  public void rateLimitNext(int count, long seconds) {
    rateLimitSeconds = seconds;
    rateLimited.set(count);
  }

  /** The next {@code count} requests are answered 503. */
  public void failNext(int count) {
    serverErrors.set(count);
  }

  /** The next create makes its server and then loses the answer this way. */
  public void loseNextCreateAnswer(LostAnswer how) {
    loseNextCreate.set(how);
  }

  public void setActivationDelay(Duration delay) {
    activationDelay = delay;
  }

  /** How long power and volume actions run before they complete. */
  public void setActionDelay(Duration delay) {
    actionDelay = delay;
  }

  public int requestCount() {
    return requests.get();
  }

  /** The power and volume actions posted so far, in the provider's own words ({@code power_off}, ...). */
  public java.util.List<String> actionsPosted() {
    return java.util.List.copyOf(actionsPosted);
  }

  protected void recordAction(String type) {
    actionsPosted.add(type);
  }

  /** New servers stay out of listings for this many listing requests (the APIs are eventually consistent). */
  public abstract void listingLag(int requests);

  /** Listings catch up: every server shows up from the next listing on. */
  public abstract void catchUpListings();

  /** Servers created through the API, adoption not counted. */
  public abstract int createdCount();

  /** The names of the account's registered SSH keys. */
  public abstract List<String> sshKeyNames();

  /** The names of the keys a server was created with; empty means the provider made a root password for it. */
  public abstract List<String> sshKeysOf(long serverId);

  /** After a shutdown action completes, the server keeps running this long while its OS goes down. */
  public abstract void shutdownLag(Duration lag);

  /** The provider's name for the hard power-off action. */
  public abstract String powerOffAction();

  /** A routed answer. */
  protected record Answer(int status, JsonNode body, Map<String, String> headers) {

    static Answer of(int status, JsonNode body) {
      return new Answer(status, body, Map.of());
    }
  }

  /** A request, read. */
  protected record Call(String method, String path, Map<String, String> query, JsonNode body) {}

  /** Routes a call under the fake's monitor; null means 404 for an unknown path. */
  protected abstract Answer route(Call call);

  protected abstract JsonNode errorBody(String code, String message);

  protected abstract Map<String, String> rateLimitHeaders(boolean exhausted, long resetSeconds);

  protected abstract boolean isCreate(Call call);

  protected abstract int createdStatus();

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      requests.incrementAndGet();
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      boolean readOnly = readOnlyToken != null && ("Bearer " + readOnlyToken).equals(auth);
      if (!("Bearer " + token).equals(auth) && !readOnly) {
        send(exchange, Answer.of(401, errorBody("unauthorized", "Unable to authenticate you.")), null);
        return;
      }
      if (readOnly && !exchange.getRequestMethod().equals("GET")) {
        send(exchange, Answer.of(403, errorBody("forbidden", FORBIDDEN_MESSAGE)), null);
        return;
      }
      if (rateLimited.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        Map<String, String> headers = new LinkedHashMap<>(rateLimitHeaders(true, rateLimitSeconds));
        send(exchange, new Answer(429, errorBody("too_many_requests", "API Rate limit exceeded."), headers), null);
        return;
      }
      if (serverErrors.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        send(exchange, Answer.of(503, errorBody("service_unavailable", "Service temporarily unavailable.")), null);
        return;
      }
      Call call = read(exchange);
      Answer answer;
      LostAnswer lost = null;
      synchronized (this) {
        answer = route(call);
        if (answer != null && isCreate(call) && answer.status() == createdStatus()) {
          lost = loseNextCreate.getAndSet(null);
        }
      }
      if (answer == null) {
        answer = Answer.of(404, errorBody("not_found", "The resource you were accessing could not be found."));
      }
      send(exchange, answer, lost);
    } catch (RuntimeException e) {
      // a bug in the fake: print it; the exchange closes unanswered, so the client fails fast instead of hanging
      e.printStackTrace();
    }
  }

  private Call read(HttpExchange exchange) throws IOException {
    URI uri = exchange.getRequestURI();
    Map<String, String> query = new LinkedHashMap<>();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        int eq = pair.indexOf('=');
        String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        query.put(key, value);
      }
    }
    byte[] bytes = exchange.getRequestBody().readAllBytes();
    JsonNode body = bytes.length == 0 ? MissingNode.getInstance() : JSON.readTree(bytes);
    return new Call(exchange.getRequestMethod(), uri.getPath(), query, body);
  }

  private void send(HttpExchange exchange, Answer answer, LostAnswer lost) throws IOException {
    Headers headers = exchange.getResponseHeaders();
    headers.set("Content-Type", "application/json");
    if (answer.status() != 429) {
      rateLimitHeaders(false, 60).forEach(headers::set);
    }
    answer.headers().forEach(headers::set);
    if (lost == LostAnswer.SERVER_ERROR) {
      answer = Answer.of(500, errorBody("server_error", "Server was unable to give you a response."));
    }
    byte[] bytes = answer.body() == null ? new byte[0] : JSON.writeValueAsBytes(answer.body());
    if (lost == LostAnswer.MALFORMED) {
      bytes = "{\"droplet\": {\"id\": 12, <html>Bad gateway".getBytes(StandardCharsets.UTF_8);
    }
    if (lost == LostAnswer.TRUNCATED) {
      exchange.sendResponseHeaders(answer.status(), bytes.length + 100L);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes, 0, bytes.length / 2);
      }
      return;
    }
    if (bytes.length == 0) {
      exchange.sendResponseHeaders(answer.status(), -1);
      return;
    }
    exchange.sendResponseHeaders(answer.status(), bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** The key blob of an OpenSSH public key line, empty when it is not one. */
  protected static byte[] keyBlob(String publicKeyLine) {
    String[] parts = publicKeyLine.trim().split("\\s+");
    try {
      return parts.length > 1 ? java.util.Base64.getDecoder().decode(parts[1]) : new byte[0];
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }

  /** MD5 of a key blob in colon-separated hex: the fingerprint both providers show. */
  protected static String md5(byte[] blob) {
    try {
      StringBuilder hex = new StringBuilder();
      for (byte b : java.security.MessageDigest.getInstance("MD5").digest(blob)) {
        hex.append(hex.length() == 0 ? "" : ":").append(String.format("%02x", b & 0xff));
      }
      return hex.toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  protected static int intParam(Map<String, String> query, String name, int fallback) {
    try {
      return query.containsKey(name) ? Integer.parseInt(query.get(name)) : fallback;
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}

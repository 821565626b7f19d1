package dev.seedbox.hostchannel.webui;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DelugeWebUi against a stateful HTTP server speaking deluge-web's JSON-RPC wire format (sessions by cookie). */
class DelugeWebUiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final DelugeWebUi webUi = new DelugeWebUi(HttpClient.newHttpClient(), Duration.ofSeconds(5));
  private FakeDelugeWeb fake;

  @BeforeEach
  void start() throws IOException {
    fake = new FakeDelugeWeb("right horse battery");
  }

  @AfterEach
  void stop() {
    fake.server.stop(0);
  }

  @Test
  void theRightPasswordIsAcceptedAndTheWebUiIsConnectedToItsDaemon() {
    assertInstanceOf(LoginCheck.Accepted.class, webUi.login(fake.uri(), "ignored", "right horse battery"));
  }

  @Test
  void aWrongPasswordIsRejected() {
    assertInstanceOf(LoginCheck.Rejected.class, webUi.login(fake.uri(), "ignored", "wrong"));
  }

  @Test
  void aWebUiWithoutItsDaemonIsNotAWorkingSeedbox() {
    fake.daemonUp = false;
    assertInstanceOf(LoginCheck.Unreachable.class, webUi.login(fake.uri(), "ignored", "right horse battery"));
  }

  /** Sessions are cookies handed out by auth.login; every other method needs one (error code 1 otherwise). */
  private static final class FakeDelugeWeb {
    final HttpServer server;
    final String password;
    final Set<String> sessions = ConcurrentHashMap.newKeySet();
    volatile boolean daemonUp = true;
    volatile boolean connected = false;

    FakeDelugeWeb(String password) throws IOException {
      this.password = password;
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(DelugeWebUi.JSON_PATH, this::json);
      server.start();
    }

    URI uri() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private void json(HttpExchange exchange) throws IOException {
      JsonNode request = JSON.readTree(exchange.getRequestBody());
      String method = request.path("method").asText();
      ObjectNode reply = JSON.createObjectNode().put("id", request.path("id").asInt());
      String cookie = exchange.getRequestHeaders().getFirst("Cookie");
      boolean authenticated = cookie != null && sessions.contains(cookie.replace("_session_id=", ""));
      if (method.equals("auth.login")) {
        boolean ok = password.equals(request.path("params").path(0).asText());
        if (ok) {
          String session = UUID.randomUUID().toString();
          sessions.add(session);
          exchange.getResponseHeaders().add("Set-Cookie", "_session_id=" + session + "; Path=/json");
        }
        reply.put("result", ok).putNull("error");
      } else if (!authenticated) {
        reply.putNull("result");
        reply.putObject("error").put("message", "Not authenticated").put("code", 1);
      } else if (method.equals("web.connected")) {
        reply.put("result", connected).putNull("error");
      } else if (method.equals("web.get_hosts")) {
        reply.putArray("result").addArray().add("a1b2").add("127.0.0.1").add(58846).add("localclient");
        reply.putNull("error");
      } else if (method.equals("web.connect")) {
        connected = daemonUp;
        reply.putArray("result");
        reply.putNull("error");
      } else {
        reply.putNull("result");
        reply.putObject("error").put("message", "Unknown method").put("code", 2);
      }
      byte[] body = reply.toString().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    }
  }
}

package dev.seedbox.hostchannel.webui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/**
 * FloodWebUi against a stateful HTTP server speaking Flood's wire format: a JSON login that answers 200 with a
 * {@code jwt} cookie or 401, and rTorrent's settings only with that cookie and only while rTorrent answers.
 */
class FloodWebUiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final FloodWebUi webUi = new FloodWebUi(HttpClient.newHttpClient(), Duration.ofSeconds(5));
  private FakeFlood fake;

  @BeforeEach
  void start() throws IOException {
    fake = new FakeFlood("customer", "right horse battery");
  }

  @AfterEach
  void stop() {
    fake.server.stop(0);
  }

  @Test
  void theRightUserAndPasswordAreAcceptedAndFloodReachesRtorrent() {
    assertThat(webUi.login(fake.uri(), "customer", "right horse battery")).isInstanceOf(LoginCheck.Accepted.class);
    assertThat(fake.settingsAsked).isEqualTo(1);
  }

  @Test
  void aWrongPasswordOrUserIsRejected() {
    assertThat(webUi.login(fake.uri(), "customer", "wrong")).isInstanceOf(LoginCheck.Rejected.class);
    assertThat(webUi.login(fake.uri(), "admin", "right horse battery")).isInstanceOf(LoginCheck.Rejected.class);
    assertThat(fake.settingsAsked).isZero();
  }

  @Test
  void aFloodThatLostItsRtorrentIsNotAWorkingSeedbox() {
    fake.rtorrentUp = false;
    LoginCheck login = webUi.login(fake.uri(), "customer", "right horse battery");
    assertThat(login).isInstanceOf(LoginCheck.Unreachable.class);
    assertThat(login.message()).contains("cannot reach rTorrent").doesNotContain("right horse battery");
  }

  @Test
  void somethingElseOnThePortIsUnreachableNotRejected() {
    fake.notFlood = true;
    assertThat(webUi.login(fake.uri(), "customer", "right horse battery"))
        .isInstanceOf(LoginCheck.Unreachable.class);
  }

  /** Sessions are the {@code jwt} cookies the login hands out. */
  private static final class FakeFlood {
    final HttpServer server;
    final String username;
    final String password;
    final Set<String> sessions = ConcurrentHashMap.newKeySet();
    volatile boolean rtorrentUp = true;
    volatile boolean notFlood;
    volatile int settingsAsked;

    FakeFlood(String username, String password) throws IOException {
      this.username = username;
      this.password = password;
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(FloodWebUi.LOGIN_PATH, this::authenticate);
      server.createContext(FloodWebUi.CLIENT_SETTINGS_PATH, this::settings);
      server.start();
    }

    URI uri() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private void authenticate(HttpExchange exchange) throws IOException {
      if (notFlood) {
        reply(exchange, 404, "<html>not here</html>");
        return;
      }
      JsonNode request = JSON.readTree(exchange.getRequestBody());
      if (!"POST".equals(exchange.getRequestMethod())
          || !exchange.getRequestHeaders().getFirst("Content-Type").startsWith("application/json")) {
        reply(exchange, 400, "{\"message\":\"Validation error.\"}");
      } else if (username.equals(request.path("username").asText())
          && password.equals(request.path("password").asText())) {
        String session = UUID.randomUUID().toString();
        sessions.add(session);
        exchange.getResponseHeaders().add("Set-Cookie", "jwt=" + session + "; Path=/; HttpOnly; SameSite=Strict");
        reply(exchange, 200, "{\"success\":true,\"username\":\"" + username + "\",\"level\":10}");
      } else {
        reply(exchange, 401, "{\"message\":\"Failed login.\"}");
      }
    }

    private void settings(HttpExchange exchange) throws IOException {
      settingsAsked++;
      String cookie = exchange.getRequestHeaders().getFirst("Cookie");
      if (cookie == null || !sessions.contains(cookie.replace("jwt=", ""))) {
        reply(exchange, 401, "Unauthorized");
      } else if (!rtorrentUp) {
        reply(exchange, 500, "{\"code\":\"ENOENT\"}");
      } else {
        reply(exchange, 200, "{\"directoryDefault\":\"/srv/seedbox/sb-x/downloads\"}");
      }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    }
  }
}

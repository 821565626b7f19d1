package dev.seedbox.provisioning.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.seedbox.api.v1alpha1.TorrentClient;
import dev.seedbox.hostchannel.webui.LoginCheck;
import dev.seedbox.hostchannel.webui.QbittorrentWebUi;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QbittorrentProfileTest {

  private final QbittorrentProfile profile = new QbittorrentProfile();
  private FakeWebUi webUi;

  @BeforeEach
  void start() throws IOException {
    webUi = new FakeWebUi("seedbox", "correct horse");
  }

  @AfterEach
  void stop() {
    webUi.server.stop(0);
  }

  @Test
  void describesQbittorrentNoxWithTheWebUiFirstAndNoSsh() {
    assertThat(profile.kind()).isEqualTo(TorrentClient.QBITTORRENT);
    assertThat(profile.debianPackage()).isEqualTo("qbittorrent-nox");
    assertThat(profile.ports().get(0).number()).isEqualTo(profile.webUiPort());
    assertThat(profile.ports()).noneMatch(p -> p.number() == 22);
    assertThat(profile.webUiUrl("203.0.113.7")).isEqualTo(URI.create("http://203.0.113.7:8080/"));
    assertThat(profile.webUiUrl("2001:db8::7")).isEqualTo(URI.create("http://[2001:db8::7]:8080/"));
    // a customer's server gives each Seedbox ports of its own
    assertThat(profile.webUiUrl("home.example.org", 20001)).isEqualTo(URI.create("http://home.example.org:20001/"));
  }

  @Test
  void aLoginThroughTheWebApiIsAcceptedOnlyWithTheRightPassword() {
    assertThat(profile.checkLogin(webUi.url(), "seedbox", "correct horse")).isInstanceOf(LoginCheck.Accepted.class);
    assertThat(profile.checkLogin(webUi.url(), "seedbox", "wrong")).isInstanceOf(LoginCheck.Rejected.class);
    assertThat(profile.checkLogin(webUi.url(), "admin", "correct horse")).isInstanceOf(LoginCheck.Rejected.class);
    assertThat(webUi.logins).isEqualTo(3);
  }

  @Test
  void aWebUiThatDoesNotAnswerIsUnreachableNotRejected() {
    URI nowhere = webUi.url();
    webUi.server.stop(0);
    assertThat(profile.checkLogin(nowhere, "seedbox", "correct horse")).isInstanceOf(LoginCheck.Unreachable.class);
  }

  /**
   * qBittorrent's Web API login as the client answers it: {@code POST /api/v2/auth/login} with a form body, the
   * Referer checked against the host, {@code Ok.} and an SID cookie for good credentials, {@code Fails.} otherwise.
   * (How the client stores the password is the server's business; the real-host lane logs in to the real client.)
   */
  static final class FakeWebUi {
    final HttpServer server;
    final String username;
    final String password;
    int logins;

    FakeWebUi(String username, String password) throws IOException {
      this.username = username;
      this.password = password;
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(QbittorrentWebUi.LOGIN_PATH, this::login);
      server.start();
    }

    URI url() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void login(HttpExchange exchange) throws IOException {
      logins++;
      String referer = exchange.getRequestHeaders().getFirst("Referer");
      if (!"POST".equals(exchange.getRequestMethod()) || referer == null || !referer.startsWith(url().toString())) {
        reply(exchange, 401, "Unauthorized");
        return;
      }
      Map<String, String> form = new HashMap<>();
      for (String pair : new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
        int eq = pair.indexOf('=');
        form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
      boolean ok = username.equals(form.get("username")) && password.equals(form.get("password"));
      if (ok) {
        exchange.getResponseHeaders().add("Set-Cookie", "SID=fake-session; HttpOnly; path=/");
      }
      reply(exchange, 200, ok ? "Ok." : "Fails.");
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=UTF-8");
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    }
  }
}

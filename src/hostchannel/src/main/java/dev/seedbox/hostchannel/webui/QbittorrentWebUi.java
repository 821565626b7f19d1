package dev.seedbox.hostchannel.webui;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * Logs in to qBittorrent's Web API as the customer would ({@code POST /api/v2/auth/login}): the answer {@code Ok.}
 * means the credentials work, {@code Fails.} that they do not, and 403 that the client banned the address after
 * too many failures.
 */
public final class QbittorrentWebUi implements WebUiLogin {

  public static final String LOGIN_PATH = "/api/v2/auth/login";

  private final WebUiExchange exchange;

  public QbittorrentWebUi(HttpClient http, Duration timeout) {
    this(new WebUiExchange(http, timeout));
  }

  public QbittorrentWebUi(WebUiExchange exchange) {
    this.exchange = Objects.requireNonNull(exchange, "exchange");
  }

  @Override
  public LoginCheck login(URI webUi, String username, String password) {
    String form = "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8)
        + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
    HttpRequest request = exchange.request(webUi.resolve(LOGIN_PATH))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Referer", webUi.toString())
        .POST(HttpRequest.BodyPublishers.ofString(form))
        .build();
    WebUiExchange.Answer answer = exchange.send(request, webUi);
    if (!answer.answered()) {
      return answer.unreachable();
    }
    HttpResponse<String> response = answer.response();
    String body = WebUiExchange.body(response);
    if (response.statusCode() == 200 && body.equals("Ok.")) {
      return new LoginCheck.Accepted();
    }
    if (response.statusCode() == 200 && body.equals("Fails.")) {
      return new LoginCheck.Rejected("the web UI at " + webUi + " refused the credentials");
    }
    if (response.statusCode() == 403) {
      return new LoginCheck.Rejected("the web UI at " + webUi + " has banned this address after failed logins");
    }
    return new LoginCheck.Unreachable("the web UI at " + webUi + " answered HTTP " + response.statusCode()
        + ", which is not qBittorrent's login answer");
  }
}

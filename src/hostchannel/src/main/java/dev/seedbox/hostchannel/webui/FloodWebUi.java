package dev.seedbox.hostchannel.webui;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Logs in to Flood, rTorrent's web UI, as the customer's browser does: {@code POST /api/auth/authenticate} with the
 * user name and password answers 200 and a session cookie for good credentials and 401 for bad ones. With the
 * cookie it then asks for rTorrent's settings ({@code GET /api/client/settings}), which Flood can only answer
 * through rTorrent's SCGI socket: a Flood that has lost its rTorrent is not a working seedbox.
 */
public final class FloodWebUi implements WebUiLogin {

  public static final String LOGIN_PATH = "/api/auth/authenticate";
  public static final String CLIENT_SETTINGS_PATH = "/api/client/settings";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final WebUiExchange exchange;

  public FloodWebUi(WebUiExchange exchange) {
    this.exchange = Objects.requireNonNull(exchange, "exchange");
  }

  public FloodWebUi(HttpClient http, Duration timeout) {
    this(new WebUiExchange(http, timeout));
  }

  @Override
  public LoginCheck login(URI webUi, String username, String password) {
    String body = JSON.createObjectNode().put("username", username).put("password", password).toString();
    HttpRequest request = exchange.request(webUi.resolve(LOGIN_PATH))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    WebUiExchange.Answer answer = exchange.send(request, webUi);
    if (!answer.answered()) {
      return answer.unreachable();
    }
    HttpResponse<String> response = answer.response();
    if (response.statusCode() == 401) {
      return new LoginCheck.Rejected("Flood at " + webUi + " refused the credentials");
    }
    if (response.statusCode() == 429) {
      return new LoginCheck.Unreachable("Flood at " + webUi + " is limiting requests from this address; try again "
          + "later");
    }
    if (response.statusCode() != 200 || !WebUiExchange.body(response).contains("\"success\":true")) {
      return notFlood(webUi, "HTTP " + response.statusCode() + " to the login");
    }
    Optional<String> session = response.headers().allValues("Set-Cookie").stream()
        .map(value -> value.split(";", 2)[0])
        .filter(cookie -> cookie.startsWith("jwt="))
        .findFirst();
    if (session.isEmpty()) {
      return notFlood(webUi, "a login without a session cookie");
    }
    WebUiExchange.Answer settings = exchange.send(exchange.request(webUi.resolve(CLIENT_SETTINGS_PATH))
        .header("Cookie", session.get())
        .GET()
        .build(), webUi);
    if (!settings.answered()) {
      return settings.unreachable();
    }
    return settings.response().statusCode() == 200
        ? new LoginCheck.Accepted()
        : new LoginCheck.Unreachable("Flood at " + webUi + " accepted the credentials but cannot reach rTorrent "
            + "(HTTP " + settings.response().statusCode() + " for its settings)");
  }

  private static LoginCheck notFlood(URI webUi, String what) {
    return new LoginCheck.Unreachable("Flood at " + webUi + " answered " + what + ", which is not its login answer");
  }
}

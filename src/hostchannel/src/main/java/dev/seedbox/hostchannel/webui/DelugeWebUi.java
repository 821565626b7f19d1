package dev.seedbox.hostchannel.webui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * Logs in to deluge-web's JSON-RPC ({@code POST /json}) as the customer's browser does: {@code auth.login} with the
 * web password answers {@code result: true} or {@code false}. Deluge's web UI has no user name, so the user name is
 * not sent. After a login the session cookie is used to ask {@code web.connected}: a web UI that is not attached to
 * its daemon is not a working seedbox, so it is asked to {@code web.connect} to the first configured host.
 */
public final class DelugeWebUi implements WebUiLogin {

  public static final String JSON_PATH = "/json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final WebUiExchange exchange;

  public DelugeWebUi(WebUiExchange exchange) {
    this.exchange = Objects.requireNonNull(exchange, "exchange");
  }

  public DelugeWebUi(HttpClient http, Duration timeout) {
    this(new WebUiExchange(http, timeout));
  }

  @Override
  public LoginCheck login(URI webUi, String username, String password) {
    Reply login = call(webUi, null, "auth.login", JSON.createArrayNode().add(password));
    if (login.failure() != null) {
      return login.failure();
    }
    if (!login.result().asBoolean(false)) {
      return new LoginCheck.Rejected("Deluge's web UI at " + webUi + " refused the password");
    }
    Reply connected = call(webUi, login.cookie(), "web.connected", JSON.createArrayNode());
    if (connected.failure() != null) {
      return connected.failure();
    }
    if (connected.result().asBoolean(false)) {
      return new LoginCheck.Accepted();
    }
    Reply hosts = call(webUi, login.cookie(), "web.get_hosts", JSON.createArrayNode());
    if (hosts.failure() != null) {
      return hosts.failure();
    }
    if (!hosts.result().isArray() || hosts.result().isEmpty()) {
      return new LoginCheck.Unreachable("Deluge's web UI at " + webUi + " knows no daemon to connect to");
    }
    String hostId = hosts.result().get(0).get(0).asText();
    Reply connect = call(webUi, login.cookie(), "web.connect", JSON.createArrayNode().add(hostId));
    if (connect.failure() != null) {
      return connect.failure();
    }
    Reply again = call(webUi, login.cookie(), "web.connected", JSON.createArrayNode());
    if (again.failure() != null) {
      return again.failure();
    }
    return again.result().asBoolean(false)
        ? new LoginCheck.Accepted()
        : new LoginCheck.Unreachable("Deluge's web UI at " + webUi + " accepted the password but cannot reach deluged");
  }

  private record Reply(JsonNode result, String cookie, LoginCheck failure) {
  }

  private Reply call(URI webUi, String cookie, String method, JsonNode params) {
    ObjectNode body = JSON.createObjectNode().put("method", method).put("id", 1);
    body.set("params", params);
    HttpRequest.Builder request = exchange.request(webUi.resolve(JSON_PATH))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    WebUiExchange.Answer answer = exchange.send(request.build(), webUi);
    if (!answer.answered()) {
      return new Reply(null, cookie, answer.unreachable());
    }
    HttpResponse<String> response = answer.response();
    if (response.statusCode() != 200) {
      return new Reply(null, cookie, notDeluge(webUi, "HTTP " + response.statusCode()));
    }
    JsonNode reply;
    try {
      reply = JSON.readTree(WebUiExchange.body(response));
    } catch (IOException e) {
      return new Reply(null, cookie, notDeluge(webUi, "a body that is not JSON"));
    }
    if (reply == null || !reply.has("result")) {
      return new Reply(null, cookie, notDeluge(webUi, "JSON without a result"));
    }
    JsonNode error = reply.get("error");
    if (error != null && !error.isNull()) {
      String code = error.path("code").asText("?");
      // Code 1 is deluge-web's "Not authenticated": the session was refused.
      return new Reply(null, cookie, "1".equals(code)
          ? new LoginCheck.Rejected("Deluge's web UI at " + webUi + " refused the session")
          : notDeluge(webUi, "error code " + code + " to " + method));
    }
    String setCookie = response.headers().firstValue("Set-Cookie")
        .map(value -> value.split(";", 2)[0])
        .orElse(cookie);
    return new Reply(reply.get("result"), setCookie, null);
  }

  private static LoginCheck notDeluge(URI webUi, String what) {
    return new LoginCheck.Unreachable("Deluge's web UI at " + webUi + " answered " + what
        + ", which is not its JSON-RPC answer");
  }
}

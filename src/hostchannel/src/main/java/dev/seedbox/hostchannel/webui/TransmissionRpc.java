package dev.seedbox.hostchannel.webui;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Logs in to Transmission's RPC ({@code POST /transmission/rpc}) as the customer's web UI does: Basic authentication,
 * then the CSRF handshake, where the daemon answers 409 with an {@code X-Transmission-Session-Id} the client must send
 * back. 401 means the credentials are wrong; 200 after the handshake means they work.
 */
public final class TransmissionRpc implements WebUiLogin {

  public static final String RPC_PATH = "/transmission/rpc";
  public static final String SESSION_HEADER = "X-Transmission-Session-Id";
  private static final String SESSION_GET = "{\"method\":\"session-get\",\"arguments\":{\"fields\":[\"version\"]}}";

  private final WebUiExchange exchange;

  public TransmissionRpc(WebUiExchange exchange) {
    this.exchange = Objects.requireNonNull(exchange, "exchange");
  }

  public TransmissionRpc(HttpClient http, Duration timeout) {
    this(new WebUiExchange(http, timeout));
  }

  @Override
  public LoginCheck login(URI webUi, String username, String password) {
    URI rpc = webUi.resolve(RPC_PATH);
    String basic = "Basic " + Base64.getEncoder()
        .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    Optional<String> session = Optional.empty();
    // The first answer hands out the session id; one retry with it is the whole handshake.
    for (int attempt = 0; attempt < 2; attempt++) {
      HttpRequest.Builder request = exchange.request(rpc)
          .header("Authorization", basic)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(SESSION_GET));
      session.ifPresent(id -> request.header(SESSION_HEADER, id));
      WebUiExchange.Answer answer = exchange.send(request.build(), webUi);
      if (!answer.answered()) {
        return answer.unreachable();
      }
      HttpResponse<String> response = answer.response();
      switch (response.statusCode()) {
        case 401:
          return new LoginCheck.Rejected("Transmission at " + webUi + " refused the credentials");
        case 403:
          return new LoginCheck.Rejected("Transmission at " + webUi
              + " refused this address (whitelist, or banned after failed logins)");
        case 409:
          session = response.headers().firstValue(SESSION_HEADER);
          if (session.isEmpty()) {
            return notTransmission(webUi, "409 without a " + SESSION_HEADER);
          }
          continue;
        case 200:
          return WebUiExchange.body(response).contains("\"result\":\"success\"")
              || WebUiExchange.body(response).contains("\"result\": \"success\"")
              ? new LoginCheck.Accepted()
              : notTransmission(webUi, "200 without an RPC success result");
        default:
          return notTransmission(webUi, "HTTP " + response.statusCode());
      }
    }
    return notTransmission(webUi, "a second 409 after sending the session id");
  }

  private static LoginCheck notTransmission(URI webUi, String what) {
    return new LoginCheck.Unreachable("Transmission at " + webUi + " answered " + what
        + ", which is not its RPC login answer");
  }
}

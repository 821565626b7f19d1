package dev.seedbox.hostchannel.webui;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;

/**
 * Sends one request to a client's web UI and turns every way of getting no answer into one {@link LoginCheck.Unreachable},
 * so each client's login check only reads answers. Messages never carry the request body (it holds the password).
 */
public final class WebUiExchange {

  /** The answer, or why there was none. Exactly one of the two is set. */
  public record Answer(HttpResponse<String> response, LoginCheck.Unreachable unreachable) {

    public boolean answered() {
      return response != null;
    }
  }

  private final HttpClient http;
  private final Duration timeout;

  public WebUiExchange(HttpClient http, Duration timeout) {
    this.http = Objects.requireNonNull(http, "http");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** A request builder for {@code uri} with this exchange's timeout already applied. */
  public HttpRequest.Builder request(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(timeout);
  }

  public Answer send(HttpRequest request, URI webUi) {
    try {
      return new Answer(http.send(request, HttpResponse.BodyHandlers.ofString()), null);
    } catch (HttpTimeoutException e) {
      return unreachable("the web UI at " + webUi + " did not answer within " + timeout);
    } catch (IOException e) {
      return unreachable("could not reach the web UI at " + webUi + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return unreachable("interrupted while logging in to " + webUi);
    }
  }

  private static Answer unreachable(String message) {
    return new Answer(null, new LoginCheck.Unreachable(message));
  }

  static String body(HttpResponse<String> response) {
    return response.body() == null ? "" : response.body().strip();
  }
}

package dev.seedbox.provisioning.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.seedbox.provisioning.PermanentProviderException;
import dev.seedbox.provisioning.ProviderUnauthorizedException;
import dev.seedbox.provisioning.Retrier;
import dev.seedbox.provisioning.RetryableProviderException;
import dev.seedbox.provisioning.RetryableProviderException.Cause;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A small JSON-over-HTTPS client for one cloud API: bearer token, a configurable base URL, typed failures, 429
 * waits from {@code Retry-After} and the rate-limit headers, and a pause before the next call when the provider
 * says the budget is used up. The token never appears in messages or logs.
 */
public final class JsonApiClient {

  /** How the provider's {@code RateLimit-Reset} header is meant. */
  public enum ResetMeaning {
    /** DigitalOcean: when the oldest request expires, i.e. when the next request is allowed. */
    NEXT_REQUEST_ALLOWED,
    /** Hetzner: when the whole bucket is refilled; one request comes back every {@code refillInterval}. */
    BUCKET_FULL
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REFILL_INTERVAL = Duration.ofSeconds(1);

  private final String providerName;
  private final String baseUrl;
  private final String token;
  private final HttpClient http;
  private final Duration requestTimeout;
  private final Retrier retrier;
  private final Clock clock;
  private final ResetMeaning resetMeaning;
  private final Function<JsonNode, ProviderError> errorReader;
  private final ErrorClassifier classifier;
  private final AtomicReference<Instant> pausedUntil = new AtomicReference<>(Instant.EPOCH);

  public JsonApiClient(String providerName, URI baseUrl, String token, HttpClient http, Duration requestTimeout,
      Retrier retrier, Clock clock, ResetMeaning resetMeaning, Function<JsonNode, ProviderError> errorReader,
      ErrorClassifier classifier) {
    this.providerName = Objects.requireNonNull(providerName, "providerName");
    String base = Objects.requireNonNull(baseUrl, "baseUrl").toString();
    this.baseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.token = Objects.requireNonNull(token, "token");
    this.http = Objects.requireNonNull(http, "http");
    this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
    this.retrier = Objects.requireNonNull(retrier, "retrier");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.resetMeaning = Objects.requireNonNull(resetMeaning, "resetMeaning");
    this.errorReader = Objects.requireNonNull(errorReader, "errorReader");
    this.classifier = Objects.requireNonNull(classifier, "classifier");
  }

  public static ObjectMapper json() {
    return JSON;
  }

  public Retrier retrier() {
    return retrier;
  }

  /** GET with retries; the path starts with {@code /} and may carry a query. */
  public JsonNode get(String path) {
    return retrier.call("GET " + pathOnly(path), true, () -> once("GET", path, null));
  }

  /**
   * POST with retries on 429; {@code transientFailuresAreSafe} says whether a 5xx or a lost answer may also be
   * repeated (true for power actions, false for a create).
   */
  public JsonNode post(String path, JsonNode body, boolean transientFailuresAreSafe) {
    return retrier.call("POST " + pathOnly(path), transientFailuresAreSafe, () -> once("POST", path, body));
  }

  /** DELETE with retries; a missing body (204) reads as {@link MissingNode}. */
  public JsonNode delete(String path) {
    return retrier.call("DELETE " + pathOnly(path), true, () -> once("DELETE", path, null));
  }

  /** GET with retries; a 404 (the object is gone) reads as empty. */
  public Optional<JsonNode> getIfPresent(String path) {
    try {
      return Optional.of(get(path));
    } catch (PermanentProviderException e) {
      if (e.isNotFound()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** DELETE with retries; a 404 counts as done, so deleting twice is fine. */
  public void deleteIfPresent(String path) {
    try {
      delete(path);
    } catch (PermanentProviderException e) {
      if (!e.isNotFound()) {
        throw e;
      }
    }
  }

  /** One request, no retries: every failure comes back typed. */
  public JsonNode once(String method, String path, JsonNode body) {
    String operation = method + " " + pathOnly(path);
    waitForRateLimitBudget(operation);
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(requestTimeout)
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/json");
    if (body != null) {
      request.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new RetryableProviderException(Cause.TIMEOUT,
          providerName + " " + operation + " got no complete answer: " + e.getClass().getSimpleName(), null, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetryableProviderException(Cause.TIMEOUT, providerName + " " + operation + " was interrupted", null,
          e);
    }
    int status = response.statusCode();
    if (status != 429) {
      // after a 429 the retry itself waits; remembering the budget too would wait twice
      rememberRateLimitBudget(response.headers());
    }
    if (status == 429) {
      Duration wait = rateLimitWait(response.headers());
      throw new RetryableProviderException(Cause.RATE_LIMITED,
          providerName + " " + operation + " was rate limited; asked to wait " + wait, wait, null);
    }
    if (status >= 500) {
      throw new RetryableProviderException(Cause.SERVER_ERROR,
          providerName + " " + operation + " failed with HTTP " + status + describeError(response.body()),
          retryAfter(response.headers()).orElse(null), null);
    }
    if (status >= 400) {
      ProviderError error = readError(response.body());
      switch (classifier.classify(status, error)) {
        case BUSY -> throw new RetryableProviderException(Cause.BUSY, providerName + " " + operation
            + " found the resource busy (HTTP " + status + " " + error.code() + "): " + error.message());
        case UNAUTHORIZED -> throw new ProviderUnauthorizedException(providerName + " " + operation, status,
            error.code(), error.message());
        case PERMANENT -> throw new PermanentProviderException(providerName + " " + operation, status, error.code(),
            error.message());
      }
    }
    if (status < 200 || status >= 300) {
      throw new RetryableProviderException(Cause.MALFORMED_RESPONSE,
          providerName + " " + operation + " answered with unexpected HTTP " + status);
    }
    String text = response.body();
    if (text == null || text.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new RetryableProviderException(Cause.MALFORMED_RESPONSE,
          providerName + " " + operation + " answered HTTP " + status + " with a body that is not JSON", null, e);
    }
  }

  /** A required field, or a {@link Cause#MALFORMED_RESPONSE} failure naming it. */
  public JsonNode require(JsonNode node, String operation, String... path) {
    JsonNode current = node;
    for (String field : path) {
      current = current == null ? null : current.get(field);
      if (current == null || current.isNull() || current.isMissingNode()) {
        throw new RetryableProviderException(Cause.MALFORMED_RESPONSE,
            providerName + " " + operation + " answered without '" + String.join(".", path) + "'");
      }
    }
    return current;
  }

  /** A required 64-bit id. */
  public long requireId(JsonNode node, String operation, String... path) {
    JsonNode id = require(node, operation, path);
    if (!id.isIntegralNumber() || !id.canConvertToLong() || id.asLong() <= 0) {
      throw new RetryableProviderException(Cause.MALFORMED_RESPONSE,
          providerName + " " + operation + " answered with an unusable id in '" + String.join(".", path) + "'");
    }
    return id.asLong();
  }

  private ProviderError readError(String body) {
    try {
      JsonNode node = body == null || body.isBlank() ? MissingNode.getInstance() : JSON.readTree(body);
      ProviderError error = errorReader.apply(node);
      if (error != null && error.message() != null) {
        return error;
      }
    } catch (JsonProcessingException | RuntimeException e) {
      // fall through: an unreadable error body still yields a permanent failure with what we have
    }
    return new ProviderError("unknown", "no readable error message in the answer");
  }

  private String describeError(String body) {
    ProviderError error = readError(body);
    return "unknown".equals(error.code()) ? "" : " " + error.code() + ": " + error.message();
  }

  private void waitForRateLimitBudget(String operation) {
    Instant until = pausedUntil.get();
    Duration wait = Duration.between(clock.instant(), until);
    if (wait.isNegative() || wait.isZero()) {
      return;
    }
    if (wait.compareTo(retrier.policy().maxRateLimitWait()) > 0) {
      throw new RetryableProviderException(Cause.RATE_LIMITED,
          providerName + " rate limit budget is used up; next request allowed in " + wait, wait, null);
    }
    retrier.pause(operation, wait, null);
    pausedUntil.compareAndSet(until, Instant.EPOCH);
  }

  private void rememberRateLimitBudget(HttpHeaders headers) {
    OptionalLong remaining = longHeader(headers, "ratelimit-remaining");
    if (remaining.isPresent() && remaining.getAsLong() <= 0) {
      Instant now = clock.instant();
      Instant until = switch (resetMeaning) {
        case NEXT_REQUEST_ALLOWED -> reset(headers).orElse(now.plus(REFILL_INTERVAL));
        case BUCKET_FULL -> now.plus(REFILL_INTERVAL);
      };
      pausedUntil.accumulateAndGet(until, (a, b) -> a.isAfter(b) ? a : b);
    }
  }

  private Duration rateLimitWait(HttpHeaders headers) {
    Optional<Duration> retryAfter = retryAfter(headers);
    if (retryAfter.isPresent()) {
      return retryAfter.get();
    }
    Instant now = clock.instant();
    Optional<Duration> untilReset = reset(headers).map(r -> Duration.between(now, r))
        .filter(d -> !d.isNegative() && !d.isZero());
    return switch (resetMeaning) {
      case NEXT_REQUEST_ALLOWED -> untilReset.orElse(REFILL_INTERVAL);
      case BUCKET_FULL -> untilReset.filter(d -> d.compareTo(REFILL_INTERVAL) < 0).orElse(REFILL_INTERVAL);
    };
  }

  private Optional<Instant> reset(HttpHeaders headers) {
    OptionalLong reset = longHeader(headers, "ratelimit-reset");
    return reset.isPresent() ? Optional.of(Instant.ofEpochSecond(reset.getAsLong())) : Optional.empty();
  }

  private Optional<Duration> retryAfter(HttpHeaders headers) {
    Optional<String> value = headers.firstValue("retry-after").map(String::trim);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.get()))));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(value.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration wait = Duration.between(clock.instant(), at);
        return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
      } catch (DateTimeParseException notADate) {
        return Optional.empty();
      }
    }
  }

  private static OptionalLong longHeader(HttpHeaders headers, String name) {
    Optional<String> value = headers.firstValue(name);
    if (value.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(value.get().trim()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  private static String pathOnly(String path) {
    int query = path.indexOf('?');
    return query < 0 ? path : path.substring(0, query);
  }

  @Override
  public String toString() {
    return "JsonApiClient[" + providerName + " " + baseUrl + "]";
  }
}

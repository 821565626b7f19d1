package dev.seedbox.billing.gateway;

/**
 * A gateway call that did not give us a usable answer. Messages never carry the API key or a request body.
 * The HTTP layer maps them: {@link GatewayTimeoutException} to 504, {@link GatewayUnavailableException} to 502,
 * {@link GatewayRejectedException} to 400 when the gateway refused the request's content (400/422: e.g. no wallet
 * for that chain; the caller may pick another) and to 502 for everything else (401/403/404/409/429: our credentials,
 * configuration or quota, which the caller cannot fix).
 */
public abstract sealed class GatewayException extends RuntimeException
    permits GatewayTimeoutException, GatewayUnavailableException, GatewayRejectedException {

  protected GatewayException(String message, Throwable cause) {
    super(message, cause);
  }
}

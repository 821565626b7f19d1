package dev.seedbox.billing.gateway;

/** No answer within {@code SEEDBOX_GATEWAY_TIMEOUT}. The gateway may or may not have acted. */
public final class GatewayTimeoutException extends GatewayException {

  public GatewayTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}

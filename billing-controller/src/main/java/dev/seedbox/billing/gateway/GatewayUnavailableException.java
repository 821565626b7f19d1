package dev.seedbox.billing.gateway;

/** Connection refused or reset, a 5xx, or an answer we cannot parse. The gateway may or may not have acted. */
public final class GatewayUnavailableException extends GatewayException {

  public GatewayUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}

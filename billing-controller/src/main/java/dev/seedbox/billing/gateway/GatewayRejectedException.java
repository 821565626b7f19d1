package dev.seedbox.billing.gateway;

/** The gateway answered 4xx: it did not act. Carries its status and its (clipped) error message. */
public final class GatewayRejectedException extends GatewayException {

  private final int status;
  private final String gatewayMessage;

  public GatewayRejectedException(int status, String gatewayMessage) {
    super("the payment gateway rejected the request with HTTP " + status + ": " + gatewayMessage, null);
    this.status = status;
    this.gatewayMessage = gatewayMessage;
  }

  public int status() {
    return status;
  }

  public String gatewayMessage() {
    return gatewayMessage;
  }

  /** 400/422 are about the request's content, which the caller may change; the rest are ours to fix. */
  public boolean callerCanFix() {
    return status == 400 || status == 422;
  }
}

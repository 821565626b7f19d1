package dev.seedbox.provisioning;

/**
 * The provider refused our token (HTTP 401, or 403 for a token without the permission the call needs). This is the
 * operator's configuration, never the customer's order: callers retry it with back-off and report it, and never
 * fail or refund an order for it. The message carries the provider's own words, never the token.
 */
public final class ProviderUnauthorizedException extends ProviderException {

  private final int httpStatus;
  private final String providerCode;
  private final String providerMessage;

  public ProviderUnauthorizedException(String operation, int httpStatus, String providerCode,
      String providerMessage) {
    super(operation + " was refused with HTTP " + httpStatus + " " + providerCode + ": " + providerMessage
        + " (check the provider token the operator is configured with)", null);
    this.httpStatus = httpStatus;
    this.providerCode = providerCode;
    this.providerMessage = providerMessage;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public String providerCode() {
    return providerCode;
  }

  public String providerMessage() {
    return providerMessage;
  }
}

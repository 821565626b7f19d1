package dev.seedbox.provisioning;

/**
 * The provider refused our token (HTTP 401, or 403 for a token without the permission the call needs). This is the
 * operator's configuration, never the customer's order: callers retry it with back-off and report it, and never
 * fail or refund an order for it. The message carries the provider's own words, never the token.
 */
public final class ProviderUnauthorizedException extends ProviderRefusalException {

  public ProviderUnauthorizedException(String operation, int httpStatus, String providerCode,
      String providerMessage) {
    super(describe(operation, httpStatus, providerCode, providerMessage)
        + " (check the provider token the operator is configured with)", httpStatus, providerCode, providerMessage);
  }
}

package dev.seedbox.provisioning;

/**
 * A provider call the provider refused (4xx): repeating it will not help. The message carries the provider's own
 * message so that it can go into a condition as it is.
 */
public final class PermanentProviderException extends ProviderRefusalException {

  public PermanentProviderException(String operation, int httpStatus, String providerCode, String providerMessage) {
    super(describe(operation, httpStatus, providerCode, providerMessage), httpStatus, providerCode, providerMessage);
  }

  public boolean isNotFound() {
    return httpStatus() == 404;
  }
}

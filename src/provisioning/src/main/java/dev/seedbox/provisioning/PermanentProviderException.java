package dev.seedbox.provisioning;

/**
 * A provider call the provider refused (4xx): repeating it will not help. The message carries the provider's own
 * message so that it can go into a condition as it is.
 */
public final class PermanentProviderException extends ProviderException {

  private final int httpStatus;
  private final String providerCode;
  private final String providerMessage;

  public PermanentProviderException(String operation, int httpStatus, String providerCode, String providerMessage) {
    super(operation + " was refused with HTTP " + httpStatus + " " + providerCode + ": " + providerMessage, null);
    this.httpStatus = httpStatus;
    this.providerCode = providerCode;
    this.providerMessage = providerMessage;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** The provider's error id or code, e.g. {@code not_found} or {@code uniqueness_error}. */
  public String providerCode() {
    return providerCode;
  }

  /** The provider's human-readable message. */
  public String providerMessage() {
    return providerMessage;
  }

  public boolean isNotFound() {
    return httpStatus == 404;
  }
}

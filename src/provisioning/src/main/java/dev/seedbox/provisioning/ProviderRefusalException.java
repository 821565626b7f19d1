package dev.seedbox.provisioning;

/** The provider answered and refused the call (4xx), with its own error code and message. */
public abstract sealed class ProviderRefusalException extends ProviderException
    permits PermanentProviderException, ProviderUnauthorizedException {

  private final int httpStatus;
  private final String providerCode;
  private final String providerMessage;

  protected ProviderRefusalException(String message, int httpStatus, String providerCode, String providerMessage) {
    super(message, null);
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

  static String describe(String operation, int httpStatus, String providerCode, String providerMessage) {
    return operation + " was refused with HTTP " + httpStatus + " " + providerCode + ": " + providerMessage;
  }
}

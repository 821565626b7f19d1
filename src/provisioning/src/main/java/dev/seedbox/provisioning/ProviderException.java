package dev.seedbox.provisioning;

/** A provider call failed. Messages never carry tokens, passwords or user data. */
public abstract sealed class ProviderException extends RuntimeException
    permits RetryableProviderException, ProviderRefusalException {

  protected ProviderException(String message, Throwable cause) {
    super(message, cause);
  }
}

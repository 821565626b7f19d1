package dev.seedbox.keys.store;

/** A secret store failed or refused. The message names the store, the location and the cause, never the value. */
public class SecretStoreException extends RuntimeException {

  public SecretStoreException(String message) {
    super(message);
  }
}

package dev.seedbox.keys.store;

/** A key slot already holds a different key, or something we do not manage sits where our key would go. */
public class SecretConflictException extends SecretStoreException {

  public SecretConflictException(String message) {
    super(message);
  }
}

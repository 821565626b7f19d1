package dev.seedbox.keys.store;

/** A secret reference that does not have one of the two accepted forms. */
public class SecretRefParseException extends IllegalArgumentException {

  public SecretRefParseException(String message) {
    super(message);
  }
}

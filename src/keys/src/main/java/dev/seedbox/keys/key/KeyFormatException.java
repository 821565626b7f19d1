package dev.seedbox.keys.key;

/** A key or key line that is not in the format we expect. Messages name the format problem, never key bytes. */
public class KeyFormatException extends RuntimeException {

  public KeyFormatException(String message) {
    super(message);
  }
}

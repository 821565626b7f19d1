package dev.seedbox.billing;

/** A request field that fails validation: answered with 400 naming the field. */
public class InvalidFieldException extends RuntimeException {

  private final String field;

  public InvalidFieldException(String field, String message) {
    super(field + ": " + message);
    this.field = field;
  }

  public String field() {
    return field;
  }

  /** The message without the field prefix. */
  public String problem() {
    return getMessage().substring(field.length() + 2);
  }
}

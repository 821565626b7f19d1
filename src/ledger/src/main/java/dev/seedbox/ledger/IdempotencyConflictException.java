package dev.seedbox.ledger;

/** An idempotency key reused with a different payload: rejected, never replayed. */
public final class IdempotencyConflictException extends RuntimeException {

  private final String idempotencyKey;

  public IdempotencyConflictException(String idempotencyKey, String expected, String found) {
    super("idempotency key '" + idempotencyKey + "' was already used for " + found + "; this call asked for "
        + expected);
    this.idempotencyKey = idempotencyKey;
  }

  public String idempotencyKey() {
    return idempotencyKey;
  }
}

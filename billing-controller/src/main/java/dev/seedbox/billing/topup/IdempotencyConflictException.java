package dev.seedbox.billing.topup;

/** An idempotency key reused with a different request: rejected (409), never replayed. */
public class IdempotencyConflictException extends RuntimeException {

  public IdempotencyConflictException(String message) {
    super(message);
  }
}

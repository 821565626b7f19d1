package dev.seedbox.ledger;

/** A call named an account, seedbox, charge or payment the database does not have. */
public final class UnknownRecordException extends RuntimeException {

  public UnknownRecordException(String what, String id) {
    super("no " + what + " '" + id + "' in the ledger");
  }
}

package dev.seedbox.ledger;

/** A debit the balance cannot cover (or an account suspended for non-payment asked to buy more). Nothing was written. */
public final class InsufficientCreditException extends RuntimeException {

  private final String accountUid;
  private final long requiredCents;
  private final long availableCents;

  public InsufficientCreditException(String accountUid, long requiredCents, long availableCents, String what) {
    super("account " + accountUid + " cannot pay " + what + ": needs " + requiredCents + " cents, balance is "
        + availableCents + " cents");
    this.accountUid = accountUid;
    this.requiredCents = requiredCents;
    this.availableCents = availableCents;
  }

  public InsufficientCreditException(String accountUid, String message) {
    super(message);
    this.accountUid = accountUid;
    this.requiredCents = 0;
    this.availableCents = 0;
  }

  public String accountUid() {
    return accountUid;
  }

  public long requiredCents() {
    return requiredCents;
  }

  public long availableCents() {
    return availableCents;
  }
}

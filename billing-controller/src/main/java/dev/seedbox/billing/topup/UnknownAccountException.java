package dev.seedbox.billing.topup;

/** No BillingAccount with that namespace and name is known to the ledger: answered with 404. */
public class UnknownAccountException extends RuntimeException {

  public UnknownAccountException(AccountRef account) {
    super("expected a billing account " + account + ", found none");
  }
}

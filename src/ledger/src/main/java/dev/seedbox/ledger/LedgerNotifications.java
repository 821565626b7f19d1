package dev.seedbox.ledger;

/**
 * The PostgreSQL NOTIFY channel the ledger signals on. The payload is the BillingAccount UID whose balance, state or
 * seedbox holds changed; notifications are sent in the writing transaction, so listeners hear only committed changes.
 * The operator LISTENs on it as a JOSDK event source (with a periodic resync as the safety net).
 */
public final class LedgerNotifications {

  public static final String CHANNEL = "seedbox_ledger";

  private LedgerNotifications() {}
}

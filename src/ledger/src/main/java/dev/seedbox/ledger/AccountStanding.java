package dev.seedbox.ledger;

import java.util.Arrays;

/** An account's standing as the database stores it; the same wire names as the BillingAccount status. */
public enum AccountStanding {
  ACTIVE("Active"),
  LOW_BALANCE("LowBalance"),
  SUSPENDED("Suspended");

  private final String wireName;

  AccountStanding(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static AccountStanding fromWireName(String name) {
    return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown account state '" + name + "', expected one of "
            + Arrays.toString(values())));
  }

  @Override
  public String toString() {
    return wireName;
  }
}

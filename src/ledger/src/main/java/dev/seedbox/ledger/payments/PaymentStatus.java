package dev.seedbox.ledger.payments;

import java.util.Arrays;

/** A top-up payment's progress at the gateway; the lower-case name is stored. */
public enum PaymentStatus {
  PENDING,
  CONFIRMED,
  EXPIRED,
  CREDITED;

  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static PaymentStatus fromWireName(String name) {
    return Arrays.stream(values()).filter(s -> s.wireName().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown payment status '" + name + "'"));
  }
}

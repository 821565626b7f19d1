package dev.seedbox.ledger;

import java.util.Objects;

/** What the BillingAccount reconciler copies from the custom resource into the database. */
public record AccountSpec(
    String uid,
    String namespace,
    String name,
    String owner,
    String currency,
    long lowBalanceThresholdCents,
    int gracePeriodDays) {

  public static final String DEFAULT_CURRENCY = "USD";
  public static final int DEFAULT_GRACE_PERIOD_DAYS = 7;

  public AccountSpec {
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(owner, "owner");
    currency = currency == null ? DEFAULT_CURRENCY : currency;
    if (lowBalanceThresholdCents < 0) {
      throw new IllegalArgumentException("lowBalanceThresholdCents must be >= 0, got " + lowBalanceThresholdCents);
    }
    if (gracePeriodDays < 0 || gracePeriodDays > 365) {
      throw new IllegalArgumentException("gracePeriodDays must be within 0..365, got " + gracePeriodDays);
    }
  }
}

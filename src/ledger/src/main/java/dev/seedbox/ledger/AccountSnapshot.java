package dev.seedbox.ledger;

import java.time.Instant;
import java.util.Optional;

/**
 * An account as the BillingAccount status projects it. {@code monthlyBurnCents} is the sum of the price snapshots of
 * the account's seedboxes that are not Terminated or Failed; {@code runwayDays} is how many whole days the balance
 * pays for at that burn (null when nothing burns).
 */
public record AccountSnapshot(
    String uid,
    String namespace,
    String name,
    String owner,
    String currency,
    long balanceCents,
    AccountStanding state,
    long lowBalanceThresholdCents,
    int gracePeriodDays,
    long monthlyBurnCents,
    Long runwayDays,
    Instant lastTopUpAt,
    Long lastTopUpCents,
    long version) {

  public Optional<Long> runway() {
    return Optional.ofNullable(runwayDays);
  }

  public Optional<Instant> lastTopUp() {
    return Optional.ofNullable(lastTopUpAt);
  }
}

package dev.seedbox.ledger;

import dev.seedbox.api.lifecycle.Phase;
import java.time.Instant;
import java.util.Optional;

/**
 * A row of {@code seedbox_resources}: what the operator observes about billing. {@code billingHold} means suspended
 * for non-payment (the operator suspends the server and terminates it at {@code terminateAt}); {@code operatorHold}
 * is the operator's own suspension (abuse, …), which is still billed. {@code createdAt} is when provisioning started:
 * the row is written with the first period's charge. {@code managementHold} keeps a seedbox on a customer's own
 * server out of the billing cycle while the operator cannot manage it.
 */
public record SeedboxRecord(
    String seedboxUid,
    String accountUid,
    String namespace,
    String name,
    String plan,
    long priceCents,
    Phase phase,
    String providerRef,
    Instant paidThrough,
    int chargeCount,
    boolean billingHold,
    Instant terminateAt,
    boolean operatorHold,
    String operatorHoldReason,
    Instant createdAt,
    boolean managementHold,
    String managementHoldReason) {

  public Optional<Instant> paidThroughTime() {
    return Optional.ofNullable(paidThrough);
  }

  public Optional<Instant> terminateAtTime() {
    return Optional.ofNullable(terminateAt);
  }

  public Optional<String> provider() {
    return Optional.ofNullable(providerRef);
  }
}

package dev.seedbox.ledger;

import dev.seedbox.api.lifecycle.Phase;
import java.util.Objects;

/**
 * What the operator knows when provisioning starts: the seedbox, its account, the plan and the price snapshot taken
 * from the plan catalog at order time, and the phase to record (normally Provisioning).
 */
public record SeedboxOrder(
    String seedboxUid,
    String accountUid,
    String namespace,
    String name,
    String plan,
    long priceCents,
    Phase phase) {

  public SeedboxOrder {
    Objects.requireNonNull(seedboxUid, "seedboxUid");
    Objects.requireNonNull(accountUid, "accountUid");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(phase, "phase");
    if (priceCents < 0) {
      throw new IllegalArgumentException("priceCents must be >= 0, got " + priceCents);
    }
  }
}

package dev.seedbox.ledger.payments;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Our row for one top-up: the amount we asked for is the amount we credit. */
public record Payment(UUID id, String accountUid, long amountCents, String blockchain, PaymentStatus status,
    String gatewayPaymentId, Instant createdAt, Instant updatedAt) {

  public Optional<String> gatewayId() {
    return Optional.ofNullable(gatewayPaymentId);
  }
}

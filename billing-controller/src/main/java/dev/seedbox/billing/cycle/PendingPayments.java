package dev.seedbox.billing.cycle;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Our payments the poll asks the gateway about, and what it records when it stops asking. */
public interface PendingPayments {

  /** A payment still waiting for its gateway's word, and where the poll's walk through them stands. */
  record Pending(UUID id, String gateway, String gatewayPaymentId, Instant createdAt) {}

  /**
   * Pending payments with a gateway id created in {@code (notBefore, before)}, oldest first, starting after
   * {@code cursor} ({@code null}: from the oldest), at most {@code limit}.
   */
  List<Pending> next(Pending cursor, Instant notBefore, Instant before, int limit);

  /**
   * The poll's replica-wide lock, so all replicas together stay below the gateway's request limit; empty when
   * another replica holds it. Closing the lease releases it.
   */
  Optional<Lease> lease();

  /** A held lock; closing releases it. */
  interface Lease extends AutoCloseable {
    @Override
    void close();
  }

  /** Stops polling a payment: marks it expired (a late paid webhook still credits it) with an audit event. */
  boolean giveUp(UUID paymentId, String reason);

  /** Gives up, as above, on up to {@code limit} pending payments created before {@code before}; returns how many. */
  int giveUpCreatedBefore(Instant before, int limit, String reason);
}

package dev.seedbox.billing.ledger;

import dev.seedbox.billing.cycle.PendingPayments;
import dev.seedbox.ledger.Transactions;
import dev.seedbox.ledger.audit.AuditLog;
import dev.seedbox.ledger.payments.PaymentStatus;
import dev.seedbox.ledger.payments.Payments;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The poll's view of {@code seedbox_payments}: a keyset walk, oldest first, over pending rows that carry a gateway
 * id (the partial index on pending rows by {@code created_at} serves it), and the lease that lets one replica
 * poll at a time.
 */
public final class LedgerPendingPayments implements PendingPayments {

  /** The poll's lease (V8): a row only the billing role can take, unlike an advisory key any role could hold. */
  static final String POLL_LEASE = "pending-payment-poll";
  /** Longer than a run takes (a bounded batch, paced); a replica that died holding it frees it when it runs out. */
  static final Duration LEASE = Duration.ofMinutes(10);


  private final Jdbi jdbi;
  private final Payments payments;
  private final AuditLog audit;

  public LedgerPendingPayments(Jdbi jdbi, Payments payments, AuditLog audit) {
    this.jdbi = jdbi;
    this.payments = payments;
    this.audit = audit;
  }

  @Override
  public List<Pending> next(Pending cursor, Instant notBefore, Instant before, int limit) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT id, gateway, gateway_payment_id, created_at FROM seedbox_payments
             WHERE status = 'pending' AND gateway_payment_id IS NOT NULL
               AND created_at > :notBefore AND created_at < :before
               AND (CAST(:afterAt AS timestamptz) IS NULL OR (created_at, id) > (:afterAt, :afterId))
             ORDER BY created_at, id LIMIT :limit""")
        .bind("notBefore", utc(notBefore)).bind("before", utc(before))
        .bind("afterAt", cursor == null ? null : utc(cursor.createdAt()))
        .bind("afterId", cursor == null ? new UUID(0, 0) : cursor.id())
        .bind("limit", limit)
        .map((rs, ctx) -> new Pending(rs.getObject("id", UUID.class), rs.getString("gateway"),
            rs.getString("gateway_payment_id"), rs.getObject("created_at", OffsetDateTime.class).toInstant()))
        .list());
  }

  @Override
  public Optional<Lease> lease() {
    String holder = "billing-" + UUID.randomUUID();
    boolean taken = jdbi.withHandle(h -> h.createQuery(
            "SELECT seedbox_take_lease(:name, :holder, CAST(:seconds || ' seconds' AS interval))")
        .bind("name", POLL_LEASE).bind("holder", holder).bind("seconds", Long.toString(LEASE.toSeconds()))
        .mapTo(Boolean.class).one());
    if (!taken) {
      return Optional.empty();
    }
    return Optional.of(() -> jdbi.withHandle(h -> h.createQuery("SELECT seedbox_release_lease(:name, :holder)")
        .bind("name", POLL_LEASE).bind("holder", holder).mapTo(Boolean.class).one()));
  }

  @Override
  public boolean giveUp(UUID paymentId, String reason) {
    return Transactions.run(jdbi, h -> giveUp(h, paymentId, reason));
  }

  @Override
  public int giveUpCreatedBefore(Instant before, int limit, String reason) {
    return Transactions.run(jdbi, h -> {
      List<UUID> old = h.createQuery("""
              SELECT id FROM seedbox_payments WHERE status = 'pending' AND created_at < :before
               ORDER BY created_at LIMIT :limit""")
          .bind("before", utc(before)).bind("limit", limit).mapTo(UUID.class).list();
      int given = 0;
      for (UUID id : old) {
        given += giveUp(h, id, reason) ? 1 : 0;
      }
      return given;
    });
  }

  private boolean giveUp(Handle h, UUID paymentId, String reason) {
    if (!payments.markStatus(h, paymentId, PaymentStatus.EXPIRED)) {
      return false;
    }
    audit.append(h, LedgerPaymentEvents.ACTOR, "payment.poll-given-up", "payment/" + paymentId,
        Map.of("reason", reason));
    return true;
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}

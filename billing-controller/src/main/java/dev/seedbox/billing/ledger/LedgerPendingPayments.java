package dev.seedbox.billing.ledger;

import dev.seedbox.billing.cycle.PendingPayments;
import dev.seedbox.ledger.Transactions;
import dev.seedbox.ledger.audit.AuditLog;
import dev.seedbox.ledger.payments.PaymentStatus;
import dev.seedbox.ledger.payments.Payments;
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
 * id (the partial index on pending rows by {@code created_at} serves it), and the session advisory lock that lets
 * one replica poll at a time.
 */
public final class LedgerPendingPayments implements PendingPayments {

  /** The poll's advisory lock: the payments lock class, second key 1. */
  static final int POLL_LOCK_KEY = 1;

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
    Handle h = jdbi.open();
    try {
      boolean held = h.createQuery("SELECT pg_try_advisory_lock(:class, :key)")
          .bind("class", LedgerPaymentEvents.GATEWAY_ID_LOCK_CLASS).bind("key", POLL_LOCK_KEY)
          .mapTo(Boolean.class).one();
      if (!held) {
        h.close();
        return Optional.empty();
      }
    } catch (RuntimeException e) {
      h.close();
      throw e;
    }
    return Optional.of(() -> {
      try (h) {
        h.createQuery("SELECT pg_advisory_unlock(:class, :key)")
            .bind("class", LedgerPaymentEvents.GATEWAY_ID_LOCK_CLASS).bind("key", POLL_LOCK_KEY)
            .mapTo(Boolean.class).one();
      }
    });
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

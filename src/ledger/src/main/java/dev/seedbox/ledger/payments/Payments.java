package dev.seedbox.ledger.payments;

import dev.seedbox.ledger.UnknownRecordException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The payments, webhook-dedupe and unmatched-event tables the billing-controller works with (DESIGN §9). A paid
 * webhook is credited by {@link dev.seedbox.ledger.Ledger#creditPaidWebhook}, which writes the dedupe row, the
 * credit (keyed by our payment id) and the status in one call; the methods here serve the other event types and the
 * slow path.
 */
public final class Payments {

  /** The gateway every payment was opened at before payments named theirs (the column's default, V7). */
  public static final String DEFAULT_GATEWAY = "coinpayportal";

  // a late payment.confirmed after payment.expired still credits; credited is final
  private static final Map<PaymentStatus, Set<PaymentStatus>> NEXT = Map.of(
      PaymentStatus.PENDING, EnumSet.of(PaymentStatus.CONFIRMED, PaymentStatus.EXPIRED, PaymentStatus.CREDITED),
      PaymentStatus.EXPIRED, EnumSet.of(PaymentStatus.CONFIRMED, PaymentStatus.CREDITED),
      PaymentStatus.CONFIRMED, EnumSet.of(PaymentStatus.CREDITED),
      PaymentStatus.CREDITED, EnumSet.noneOf(PaymentStatus.class));

  private final Jdbi jdbi;
  private final Clock clock;

  public Payments(Jdbi jdbi, Clock clock) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Stores our payment row before the gateway is called. */
  public Payment create(String accountUid, long amountCents, String blockchain) {
    return jdbi.inTransaction(h -> create(h, accountUid, amountCents, blockchain));
  }

  public Payment create(Handle h, String accountUid, long amountCents, String blockchain) {
    if (amountCents <= 0) {
      throw new IllegalArgumentException("a payment must be positive, got " + amountCents + " cents");
    }
    return h.createQuery("""
            INSERT INTO seedbox_payments (id, account_uid, amount_cents, blockchain, created_at, updated_at)
            VALUES (:id, :account, :amount, :blockchain, :now, :now) RETURNING *""")
        .bind("id", UUID.randomUUID()).bind("account", accountUid).bind("amount", amountCents)
        .bind("blockchain", blockchain).bind("now", now())
        .map((rs, ctx) -> read(rs)).one();
  }

  /**
   * Stores our payment row under a caller-chosen id (e.g. one derived from a request's idempotency key), or returns
   * the row already stored under that id, whatever it holds: the caller compares the payload.
   */
  public Payment createIfAbsent(Handle h, UUID id, String accountUid, long amountCents, String blockchain) {
    return createIfAbsent(h, id, accountUid, amountCents, blockchain, DEFAULT_GATEWAY);
  }

  /** As above, for a payment opened at {@code gateway} (the name in {@code seedbox_payments.gateway}). */
  public Payment createIfAbsent(Handle h, UUID id, String accountUid, long amountCents, String blockchain,
      String gateway) {
    if (amountCents <= 0) {
      throw new IllegalArgumentException("a payment must be positive, got " + amountCents + " cents");
    }
    Optional<Payment> inserted = h.createQuery("""
            INSERT INTO seedbox_payments (id, account_uid, amount_cents, blockchain, gateway, created_at, updated_at)
            VALUES (:id, :account, :amount, :blockchain, :gateway, :now, :now) ON CONFLICT (id) DO NOTHING
            RETURNING *""")
        .bind("id", id).bind("account", accountUid).bind("amount", amountCents)
        .bind("blockchain", blockchain).bind("gateway", gateway).bind("now", now())
        .map((rs, ctx) -> read(rs)).findOne();
    return inserted.or(() -> byId(h, id)).orElseThrow(() -> new IllegalStateException(
        "payment " + id + " conflicted on insert but cannot be read"));
  }

  /**
   * Records the gateway's payment id once. Returns false when the row already carries this id; throws when it
   * carries another one (a second gateway payment for one row would credit twice).
   */
  public boolean recordGatewayPaymentId(UUID paymentId, String gatewayPaymentId) {
    return jdbi.inTransaction(h -> recordGatewayPaymentId(h, paymentId, gatewayPaymentId));
  }

  public boolean recordGatewayPaymentId(Handle h, UUID paymentId, String gatewayPaymentId) {
    Payment p = lock(h, paymentId);
    if (gatewayPaymentId.equals(p.gatewayPaymentId())) {
      return false;
    }
    if (p.gatewayPaymentId() != null) {
      throw new IllegalStateException("payment " + paymentId + " already has gateway payment id "
          + p.gatewayPaymentId() + ", refusing to replace it with " + gatewayPaymentId);
    }
    h.createUpdate("UPDATE seedbox_payments SET gateway_payment_id = :gw, updated_at = :now WHERE id = :id")
        .bind("gw", gatewayPaymentId).bind("now", now()).bind("id", paymentId).execute();
    return true;
  }

  /** Moves the status forward; a move the table above does not allow is ignored and returns false. */
  public boolean markStatus(Handle h, UUID paymentId, PaymentStatus status) {
    Payment p = lock(h, paymentId);
    if (!NEXT.get(p.status()).contains(status)) {
      return false;
    }
    h.createUpdate("UPDATE seedbox_payments SET status = :status, updated_at = :now WHERE id = :id")
        .bind("status", status.wireName()).bind("now", now()).bind("id", paymentId).execute();
    return true;
  }

  public Optional<Payment> byId(UUID paymentId) {
    return jdbi.withHandle(h -> byId(h, paymentId));
  }

  public Optional<Payment> byId(Handle h, UUID paymentId) {
    return h.createQuery("SELECT * FROM seedbox_payments WHERE id = :id")
        .bind("id", paymentId).map((rs, ctx) -> read(rs)).findOne();
  }

  public Optional<Payment> byGatewayPaymentId(Handle h, String gatewayPaymentId) {
    return h.createQuery("SELECT * FROM seedbox_payments WHERE gateway_payment_id = :gw")
        .bind("gw", gatewayPaymentId).map((rs, ctx) -> read(rs)).findOne();
  }

  /** Payments not yet credited or expired that were created before {@code olderThan}: candidates for polling. */
  public List<Payment> awaitingConfirmation(Instant olderThan) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT * FROM seedbox_payments WHERE status IN ('pending', 'confirmed') AND created_at < :before
             ORDER BY created_at""")
        .bind("before", OffsetDateTime.ofInstant(olderThan, ZoneOffset.UTC)).map((rs, ctx) -> read(rs)).list());
  }

  /** Dedupe on (payment id, type): true the first time, false for a repeat. Commit it with the credit. */
  public boolean recordWebhookEvent(Handle h, String paymentId, String type, String eventId) {
    return h.createUpdate("""
            INSERT INTO seedbox_webhook_events (payment_id, type, event_id, received_at)
            VALUES (:payment, :type, :event, :now) ON CONFLICT DO NOTHING""")
        .bind("payment", paymentId).bind("type", type).bind("event", eventId).bind("now", now())
        .execute() == 1;
  }

  /** Keeps an event for a payment we have no row for. Returns false if this exact event is already kept. */
  public boolean recordUnmatched(Handle h, String eventId, String paymentId, String type, String bodyJson) {
    return h.createUpdate("""
            INSERT INTO seedbox_unmatched_webhook_events (event_id, payment_id, type, body, received_at)
            VALUES (:event, :payment, :type, CAST(:body AS jsonb), :now) ON CONFLICT DO NOTHING""")
        .bind("event", eventId).bind("payment", paymentId).bind("type", type).bind("body", bodyJson)
        .bind("now", now()).execute() == 1;
  }

  public List<UnmatchedWebhookEvent> openUnmatched(Handle h, String paymentId) {
    return h.createQuery("""
            SELECT id, event_id, payment_id, type, body::text AS body, received_at, resolved_at, resolution
              FROM seedbox_unmatched_webhook_events
             WHERE resolved_at IS NULL AND (CAST(:payment AS text) IS NULL OR payment_id = :payment) ORDER BY id""")
        .bind("payment", paymentId)
        .map((rs, ctx) -> new UnmatchedWebhookEvent(rs.getLong("id"), rs.getString("event_id"),
            rs.getString("payment_id"), rs.getString("type"), rs.getString("body"), instant(rs, "received_at"),
            instant(rs, "resolved_at"), rs.getString("resolution")))
        .list();
  }

  public boolean resolveUnmatched(Handle h, long id, String resolution) {
    return h.createUpdate("""
            UPDATE seedbox_unmatched_webhook_events SET resolved_at = :now, resolution = :resolution
             WHERE id = :id AND resolved_at IS NULL""")
        .bind("now", now()).bind("resolution", resolution).bind("id", id).execute() == 1;
  }

  private Payment lock(Handle h, UUID paymentId) {
    return h.createQuery("SELECT * FROM seedbox_payments WHERE id = :id FOR NO KEY UPDATE")
        .bind("id", paymentId).map((rs, ctx) -> read(rs)).findOne()
        .orElseThrow(() -> new UnknownRecordException("payment", paymentId.toString()));
  }

  private OffsetDateTime now() {
    return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  private static Payment read(ResultSet rs) throws SQLException {
    return new Payment(rs.getObject("id", UUID.class), rs.getString("account_uid"), rs.getLong("amount_cents"),
        rs.getString("blockchain"), PaymentStatus.fromWireName(rs.getString("status")),
        rs.getString("gateway_payment_id"), instant(rs, "created_at"), instant(rs, "updated_at"));
  }
}

package dev.seedbox.ledger.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Appends audit events inside the caller's transaction. Appending takes no lock beyond the row insert: the hash chain
 * is built afterwards by {@link AuditSealer}, so money transactions never serialise on the audit trail.
 */
public final class AuditLog {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Jdbi jdbi;
  private final Clock clock;

  public AuditLog(Jdbi jdbi, Clock clock) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Appends in its own transaction. */
  public long append(String actor, String action, String resource, Map<String, ?> detail) {
    return jdbi.inTransaction(h -> append(h, actor, action, resource, detail));
  }

  /** Appends in the caller's transaction: the event commits or rolls back with the change it describes. */
  public long append(Handle handle, String actor, String action, String resource, Map<String, ?> detail) {
    return handle.createQuery("""
            INSERT INTO seedbox_audit_events (occurred_at, actor, action, resource, detail)
            VALUES (:at, :actor, :action, :resource, CAST(:detail AS jsonb)) RETURNING id""")
        .bind("at", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
        .bind("actor", requireText(actor, "actor"))
        .bind("action", requireText(action, "action"))
        .bind("resource", Objects.requireNonNull(resource, "resource"))
        .bind("detail", toJson(detail))
        .mapTo(Long.class)
        .one();
  }

  /** The newest events first, optionally only those about one resource. */
  public List<AuditEvent> recent(String resource, int limit) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT id, occurred_at, actor, action, resource, detail::text AS detail
              FROM seedbox_audit_events
             WHERE CAST(:resource AS text) IS NULL OR resource = :resource
             ORDER BY id DESC LIMIT :limit""")
        .bind("resource", resource)
        .bind("limit", limit)
        .map((rs, ctx) -> read(rs))
        .list());
  }

  static AuditEvent read(ResultSet rs) throws SQLException {
    return new AuditEvent(rs.getLong("id"), instant(rs, "occurred_at"), rs.getString("actor"), rs.getString("action"),
        rs.getString("resource"), rs.getString("detail"));
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  private static String toJson(Map<String, ?> detail) {
    try {
      return JSON.writeValueAsString(detail == null ? Map.of() : detail);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("audit detail is not serialisable to JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static String requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    return value;
  }
}

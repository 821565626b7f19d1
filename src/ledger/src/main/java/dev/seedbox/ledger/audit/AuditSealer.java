package dev.seedbox.ledger.audit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the tamper-evident hash chain over audit events after they commit, and verifies it.
 *
 * <p>Identity values are handed out before commit, so ids become visible out of order: a transaction holding id 5
 * may commit after the one holding id 6. Sealing strictly by id would either miss 5 forever or need a global lock
 * on every writer. Instead each event records its transaction id ({@code pg_current_xact_id()}), and the sealer seals
 * only events whose transaction is older than the oldest transaction still running
 * ({@code pg_snapshot_xmin(pg_current_snapshot())}): those transactions are finished, so every event they will ever
 * contribute is already visible. Events are sealed in id order within a run; the chain's order is the seal sequence
 * {@code seq}, which is why a late-committing low id gets a later seq rather than being skipped. Nothing depends on
 * wall-clock horizons, so a long transaction cannot slip an event past the sealer.
 *
 * <p>{@code hash = SHA-256(prev_hash || canonical event)}, where the canonical event is the length-prefixed UTF-8 of
 * id, occurred_at in epoch microseconds, actor, action, resource and PostgreSQL's canonical jsonb text of detail.
 * The first seal's prev_hash is 32 zero bytes. One sealer runs at a time (transaction-scoped advisory lock).
 */
public final class AuditSealer {

  /** Advisory lock key of the sealer ("seedbox audit"). */
  public static final long LOCK_KEY = 0x5eedb0a0_0000_0001L;
  static final byte[] GENESIS = new byte[32];

  private static final Logger LOG = LoggerFactory.getLogger(AuditSealer.class);
  private static final int BATCH = 5_000;

  private final Jdbi jdbi;

  public AuditSealer(Jdbi jdbi) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
  }

  /**
   * Seals every event whose transaction is over. Returns the number sealed, 0 when another sealer holds the lock.
   */
  public int sealPending() {
    int total = 0;
    int sealed;
    do {
      sealed = jdbi.inTransaction(this::sealBatch);
      total += sealed;
    } while (sealed == BATCH);
    return total;
  }

  private int sealBatch(Handle h) {
    boolean locked = h.createQuery("SELECT pg_try_advisory_xact_lock(:key)").bind("key", LOCK_KEY)
        .mapTo(Boolean.class).one();
    if (!locked) {
      return 0;
    }
    var last = h.createQuery("SELECT seq, hash FROM seedbox_audit_seals ORDER BY seq DESC LIMIT 1")
        .map((rs, ctx) -> new Object[] {rs.getLong("seq"), rs.getBytes("hash")})
        .findOne();
    long seq = last.map(r -> (Long) r[0]).orElse(0L);
    byte[] prev = last.map(r -> (byte[]) r[1]).orElse(GENESIS);
    List<AuditEvent> events = h.createQuery("""
            SELECT e.id, e.occurred_at, e.actor, e.action, e.resource, e.detail::text AS detail
              FROM seedbox_audit_events e
             WHERE e.txid < pg_snapshot_xmin(pg_current_snapshot())
               AND NOT EXISTS (SELECT 1 FROM seedbox_audit_seals s WHERE s.event_id = e.id)
             ORDER BY e.id
             LIMIT :batch""")
        .bind("batch", BATCH)
        .map((rs, ctx) -> AuditLog.read(rs))
        .list();
    if (events.isEmpty()) {
      return 0;
    }
    var insert = h.prepareBatch(
        "INSERT INTO seedbox_audit_seals (seq, event_id, prev_hash, hash) VALUES (:seq, :event, :prev, :hash)");
    for (AuditEvent e : events) {
      byte[] hash = hash(prev, e);
      insert.bind("seq", ++seq).bind("event", e.id()).bind("prev", prev).bind("hash", hash).add();
      prev = hash;
    }
    insert.execute();
    LOG.debug("sealed {} audit events up to seal {}", events.size(), seq);
    return events.size();
  }

  /** Walks the chain in seal order and names the first seal that does not recompute. */
  public SealVerification verify() {
    return jdbi.inTransaction(h -> {
      long afterSeq = 0;
      byte[] prev = GENESIS;
      long checked = 0;
      while (true) {
        List<SealRow> rows = h.createQuery("""
                SELECT s.seq, s.event_id, s.prev_hash, s.hash, e.id, e.occurred_at, e.actor, e.action, e.resource,
                       e.detail::text AS detail
                  FROM seedbox_audit_seals s LEFT JOIN seedbox_audit_events e ON e.id = s.event_id
                 WHERE s.seq > :after ORDER BY s.seq LIMIT :batch""")
            .bind("after", afterSeq)
            .bind("batch", BATCH)
            .map((rs, ctx) -> SealRow.read(rs))
            .list();
        if (rows.isEmpty()) {
          return new SealVerification.Intact(checked);
        }
        for (SealRow row : rows) {
          if (row.seq() != afterSeq + 1) {
            return new SealVerification.Broken(afterSeq + 1, row.eventId(),
                "seal " + (afterSeq + 1) + " is missing: the chain jumps to seal " + row.seq());
          }
          if (!Arrays.equals(row.prevHash(), prev)) {
            return new SealVerification.Broken(row.seq(), row.eventId(), "prev_hash of seal " + row.seq()
                + " is " + hex(row.prevHash()) + ", expected the previous seal's hash " + hex(prev));
          }
          if (row.event() == null) {
            return new SealVerification.Broken(row.seq(), row.eventId(),
                "audit event " + row.eventId() + " sealed by seal " + row.seq() + " no longer exists");
          }
          byte[] expected = hash(prev, row.event());
          if (!Arrays.equals(expected, row.hash())) {
            return new SealVerification.Broken(row.seq(), row.eventId(), "audit event " + row.eventId()
                + " does not match seal " + row.seq() + ": the row was altered after it was sealed");
          }
          prev = row.hash();
          afterSeq = row.seq();
          checked++;
        }
      }
    });
  }

  static byte[] hash(byte[] prev, AuditEvent e) {
    ByteArrayOutputStream canonical = new ByteArrayOutputStream(256);
    canonical.writeBytes(prev);
    field(canonical, Long.toString(e.id()));
    field(canonical, Long.toString(micros(e.occurredAt())));
    field(canonical, e.actor());
    field(canonical, e.action());
    field(canonical, e.resource());
    field(canonical, e.detailJson());
    try {
      return MessageDigest.getInstance("SHA-256").digest(canonical.toByteArray());
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException("SHA-256 is required of every JVM", impossible);
    }
  }

  private static void field(ByteArrayOutputStream out, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
    out.writeBytes(bytes);
  }

  private static long micros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  private record SealRow(long seq, long eventId, byte[] prevHash, byte[] hash, AuditEvent event) {
    static SealRow read(ResultSet rs) throws SQLException {
      long eventId = rs.getLong("event_id");
      rs.getLong("id");
      AuditEvent event = rs.wasNull() ? null : AuditLog.read(rs);
      return new SealRow(rs.getLong("seq"), eventId, rs.getBytes("prev_hash"), rs.getBytes("hash"), event);
    }
  }
}

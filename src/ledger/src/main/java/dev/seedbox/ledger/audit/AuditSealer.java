package dev.seedbox.ledger.audit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import dev.seedbox.ledger.LockWatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
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
 * The first seal's prev_hash is 32 zero bytes.
 *
 * <p>Sealing runs inside the database, in the owner-defined {@code seedbox_seal_audit_events} (migration V4): the only
 * writer of seals, under the sealer's own lock (a row only the billing role can lock, not an advisory key any role
 * could hold). An event that cannot be sealed is recorded as a fault, logged and counted, and sealing goes on. Every
 * run publishes the chain's head (seq, hash) outside PostgreSQL: a log line here and the gauges the caller exports.
 * Verification recomputes every hash here in Java, independently of the database's code, and compares the chain
 * with the last published head, so a rewrite with owner rights that recomputes every hash is still found.
 */
public final class AuditSealer {

  static final byte[] GENESIS = new byte[32];

  private static final Logger LOG = LoggerFactory.getLogger(AuditSealer.class);
  private static final int BATCH = 5_000;

  private final Jdbi jdbi;
  private final Clock clock;
  private final LockWatch lock;
  private volatile Optional<ChainHead> head = Optional.empty();
  private final AtomicLong faults = new AtomicLong();

  public AuditSealer(Jdbi jdbi, Clock clock, Duration lockLimit) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lock = new LockWatch("audit-sealer", lockLimit);
  }

  /** Seals every event whose transaction is over. Returns the number sealed, 0 when another sealer holds the lock. */
  public int sealPending() {
    return seal().sealed();
  }

  /** Seals every event whose transaction is over, in batches, and publishes the head. */
  public SealRun seal() {
    int sealed = 0;
    int faulted = 0;
    SealRun batch;
    do {
      batch = jdbi.inTransaction(h -> h.createQuery("SELECT * FROM seedbox_seal_audit_events(:batch)")
          .bind("batch", BATCH)
          .map((rs, ctx) -> {
            long seq = rs.getLong("head_seq");
            Optional<ChainHead> at = rs.wasNull() || seq == 0 ? Optional.empty()
                : Optional.of(new ChainHead(seq, rs.getBytes("head_hash")));
            return new SealRun(rs.getInt("sealed"), rs.getInt("faulted"), at, rs.getBoolean("lock_busy"));
          })
          .one());
      sealed += batch.sealed();
      faulted += batch.faulted();
    } while (batch.sealed() == BATCH);
    lock.attempted(!batch.lockBusy(), clock.instant());
    if (faulted > 0) {
      faults.addAndGet(faulted);
      LOG.warn("{} audit events could not be sealed and were recorded as faults (seedbox_audit_seal_faults); sealing "
          + "went on past them", faulted);
    }
    if (!batch.lockBusy()) {
      head = batch.head();
      LOG.info("audit chain head {} ({} sealed this run)", batch.head().map(ChainHead::toString).orElse("empty"),
          sealed);
    }
    return new SealRun(sealed, faulted, head, batch.lockBusy());
  }

  /** The head published by the last run that held the lock. */
  public Optional<ChainHead> head() {
    return head;
  }

  /** Events recorded as faults by this process's runs. */
  public long faultsRecorded() {
    return faults.get();
  }

  /** How long the sealer's lock has been found held elsewhere (zero when the last run got it). */
  public Duration lockBusyFor() {
    return lock.busyFor(clock.instant());
  }

  /**
   * The verify command's check: the chain against the last published head, events unsealed longer than
   * {@code unsealedLimit}, and the events the sealer could not seal.
   */
  public ChainReport report(Optional<ChainHead> published, Duration unsealedLimit) {
    SealVerification chain = verify(published);
    Instant before = clock.instant().minus(unsealedLimit);
    return jdbi.withHandle(h -> new ChainReport(chain, published, unsealedLimit,
        h.createQuery("""
                SELECT e.id FROM seedbox_audit_events e
                 WHERE e.occurred_at < :before
                   AND NOT EXISTS (SELECT 1 FROM seedbox_audit_seals s WHERE s.event_id = e.id)
                   AND NOT EXISTS (SELECT 1 FROM seedbox_audit_seal_faults f WHERE f.event_id = e.id)
                 ORDER BY e.id LIMIT 1000""")
            .bind("before", OffsetDateTime.ofInstant(before, ZoneOffset.UTC))
            .mapTo(Long.class).list(),
        h.createQuery("SELECT 'event ' || event_id || ': ' || reason FROM seedbox_audit_seal_faults ORDER BY event_id")
            .mapTo(String.class).list()));
  }

  /** Walks the chain and checks it against a published head: shorter than it is truncated, different is rewritten. */
  public SealVerification verify(Optional<ChainHead> published) {
    SealVerification walked = verify();
    if (!(walked instanceof SealVerification.Intact intact) || published.isEmpty()) {
      return walked;
    }
    ChainHead expected = published.get();
    if (intact.sealsChecked() < expected.seq()) {
      return new SealVerification.Broken(intact.sealsChecked() + 1, 0, "the chain ends at seal "
          + intact.sealsChecked() + " but seal " + expected.seq() + " was published: the chain was truncated");
    }
    byte[] at = jdbi.withHandle(h -> h.createQuery("SELECT hash FROM seedbox_audit_seals WHERE seq = :seq")
        .bind("seq", expected.seq()).mapTo(byte[].class).one());
    if (!expected.matches(at)) {
      return new SealVerification.Broken(expected.seq(), 0, "seal " + expected.seq() + " hashes to "
          + HexFormat.of().formatHex(at) + " but " + expected + " was published: the chain was rewritten");
    }
    return intact;
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

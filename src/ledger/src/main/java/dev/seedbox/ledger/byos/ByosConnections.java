package dev.seedbox.ledger.byos;

import dev.seedbox.ledger.UnknownRecordException;
import dev.seedbox.ledger.audit.AuditLog;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code seedbox_byos_connections}: upserted by the ByosConnection reconciler, host key pinned once on the first
 * verified handshake. The pin lives here, not in the CR status, so a lost status cannot re-pin silently. Once pinned,
 * the pin, the host and the port change only through {@link #repin}, an explicit request the database audits in the
 * same transaction (its trigger refuses every other way, whoever asks).
 */
public final class ByosConnections {

  private final Jdbi jdbi;
  private final Clock clock;
  private final AuditLog audit;

  public ByosConnections(Jdbi jdbi, Clock clock, AuditLog audit) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.audit = Objects.requireNonNull(audit, "audit");
  }

  /**
   * Inserts or updates the connection; the pinned host key is always kept.
   *
   * @throws HostChangeRefusedException if the host key is pinned and the host or port differs: use {@link #repin}
   */
  public ByosConnectionRecord upsert(ByosConnectionRecord c, String actor) {
    return jdbi.inTransaction(h -> {
      Optional<ByosConnectionRecord> before = find(h, c.uid(), true);
      OffsetDateTime now = now();
      if (before.isEmpty()) {
        h.createUpdate("""
                INSERT INTO seedbox_byos_connections (uid, namespace, name, host, port, ssh_user, public_key,
                    fingerprint, secret_ref, created_at, updated_at)
                VALUES (:uid, :namespace, :name, :host, :port, :user, :publicKey, :fingerprint, :secretRef, :now, :now)
                ON CONFLICT (uid) DO NOTHING""")
            .bind("uid", c.uid()).bind("namespace", c.namespace()).bind("name", c.name()).bind("host", c.host())
            .bind("port", c.port()).bind("user", c.user()).bind("publicKey", c.publicKey())
            .bind("fingerprint", c.fingerprint()).bind("secretRef", c.secretRef()).bind("now", now).execute();
        audit.append(h, actor, "byos.registered", resource(c), Map.of("host", c.host(), "port", c.port(),
            "user", c.user(), "fingerprint", c.fingerprint(), "secretRef", c.secretRef()));
        return find(h, c.uid(), false).orElseThrow();
      }
      ByosConnectionRecord old = before.get();
      boolean endpointChanged = !old.host().equals(c.host()) || old.port() != c.port();
      if (endpointChanged && old.pinnedHostKey() != null) {
        throw new HostChangeRefusedException("BYOS connection " + c.uid() + " has host key " + old.pinnedHostKey()
            + " pinned for " + old.host() + ":" + old.port() + "; expected that host and port, found " + c.host()
            + ":" + c.port());
      }
      boolean changed = endpointChanged || !old.user().equals(c.user()) || !old.publicKey().equals(c.publicKey())
          || !old.fingerprint().equals(c.fingerprint()) || !old.secretRef().equals(c.secretRef())
          || !Objects.equals(old.namespace(), c.namespace()) || !Objects.equals(old.name(), c.name());
      if (changed) {
        h.createUpdate("""
                UPDATE seedbox_byos_connections
                   SET namespace = :namespace, name = :name, host = :host, port = :port, ssh_user = :user,
                       public_key = :publicKey, fingerprint = :fingerprint, secret_ref = :secretRef,
                       updated_at = :now
                 WHERE uid = :uid""")
            .bind("uid", c.uid()).bind("namespace", c.namespace()).bind("name", c.name()).bind("host", c.host())
            .bind("port", c.port()).bind("user", c.user()).bind("publicKey", c.publicKey())
            .bind("fingerprint", c.fingerprint()).bind("secretRef", c.secretRef())
            .bind("now", now).execute();
        audit.append(h, actor, "byos.updated", resource(c), Map.of("host", c.host(), "port", c.port(),
            "fingerprint", c.fingerprint(), "secretRef", c.secretRef()));
      }
      return find(h, c.uid(), false).orElseThrow();
    });
  }

  /** Pins the host key on the first verified handshake; afterwards only reports whether the key still matches. */
  public HostKeyPin pinHostKey(String uid, String presentedHostKey, String actor) {
    Objects.requireNonNull(presentedHostKey, "presentedHostKey");
    return jdbi.inTransaction(h -> {
      ByosConnectionRecord c = find(h, uid, true).orElseThrow(() -> new UnknownRecordException("BYOS connection", uid));
      if (c.pinnedHostKey() == null) {
        h.createUpdate("""
                UPDATE seedbox_byos_connections SET pinned_host_key = :key, pinned_at = :now, updated_at = :now
                 WHERE uid = :uid""")
            .bind("key", presentedHostKey).bind("now", now()).bind("uid", uid).execute();
        audit.append(h, actor, "byos.host-key-pinned", resource(c), Map.of("hostKey", presentedHostKey));
        return new HostKeyPin.Pinned(presentedHostKey);
      }
      if (c.pinnedHostKey().equals(presentedHostKey)) {
        return new HostKeyPin.AlreadyPinned(presentedHostKey);
      }
      return new HostKeyPin.Mismatch(c.pinnedHostKey(), presentedHostKey);
    });
  }

  /**
   * The explicit re-pin: the connection points at {@code host}:{@code port} and trusts {@code acceptedHostKey} from
   * now on. The database function writes the audit event ({@code byos.host-key-repinned}) with the change; asking
   * for what is already the case changes and audits nothing.
   */
  public ByosConnectionRecord repin(String uid, String host, int port, String acceptedHostKey, String actor) {
    return jdbi.inTransaction(h -> {
      h.createQuery("SELECT seedbox_repin_host_key(:uid, :host, :port, :key, :actor, :now)::text")
          .bind("uid", uid).bind("host", host).bind("port", port).bind("key", acceptedHostKey).bind("actor", actor)
          .bind("now", now()).mapTo(String.class).list();
      return find(h, uid, false).orElseThrow(() -> new UnknownRecordException("BYOS connection", uid));
    });
  }

  public Optional<ByosConnectionRecord> find(String uid) {
    return jdbi.withHandle(h -> find(h, uid, false));
  }

  private static Optional<ByosConnectionRecord> find(org.jdbi.v3.core.Handle h, String uid, boolean lock) {
    return h.createQuery("SELECT * FROM seedbox_byos_connections WHERE uid = :uid" + (lock ? " FOR UPDATE" : ""))
        .bind("uid", uid).map((rs, ctx) -> read(rs)).findOne();
  }

  private static String resource(ByosConnectionRecord c) {
    return "byosconnection:" + c.uid();
  }

  private OffsetDateTime now() {
    return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  private static ByosConnectionRecord read(ResultSet rs) throws SQLException {
    OffsetDateTime pinnedAt = rs.getObject("pinned_at", OffsetDateTime.class);
    return new ByosConnectionRecord(rs.getString("uid"), rs.getString("namespace"), rs.getString("name"),
        rs.getString("host"), rs.getInt("port"), rs.getString("ssh_user"), rs.getString("public_key"),
        rs.getString("fingerprint"), rs.getString("secret_ref"), rs.getString("pinned_host_key"),
        pinnedAt == null ? null : pinnedAt.toInstant());
  }
}

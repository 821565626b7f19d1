package dev.seedbox.ledger.byos;

import dev.seedbox.ledger.audit.AuditLog;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Allocates the ports a Seedbox uses on a customer's server, inside the operator's range. Allocation is idempotent
 * (a Seedbox asking again gets the ports it holds) and safe under concurrency: the table's primary key refuses a
 * second holder of a port, and the loser simply tries the next free one.
 */
public final class HostPorts {

  private final Jdbi jdbi;
  private final Clock clock;
  private final AuditLog audit;
  private final PortRange range;

  public HostPorts(Jdbi jdbi, Clock clock, AuditLog audit, PortRange range) {
    this.jdbi = jdbi;
    this.clock = clock;
    this.audit = audit;
    this.range = range;
  }

  /** The ports for each purpose (e.g. "webui", "peer"), allocating what this Seedbox does not hold yet. */
  public Map<String, Integer> allocate(String host, String seedboxUid, List<String> purposes, String actor) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (String purpose : purposes) {
      ports.put(purpose, allocateOne(host, seedboxUid, purpose, actor));
    }
    return ports;
  }

  private int allocateOne(String host, String seedboxUid, String purpose, String actor) {
    // each attempt is its own transaction so a concurrent winner's row is visible to the next attempt
    for (int attempt = 0; attempt <= range.size(); attempt++) {
      Optional<Integer> held = held(host, seedboxUid, purpose);
      if (held.isPresent()) {
        return held.get();
      }
      Optional<Integer> taken = jdbi.inTransaction(h -> tryTake(h, host, seedboxUid, purpose, actor));
      if (taken.isPresent()) {
        return taken.get();
      }
    }
    throw new IllegalStateException("no free port left in " + range + " on host " + host);
  }

  private Optional<Integer> tryTake(Handle h, String host, String seedboxUid, String purpose, String actor) {
    Optional<Integer> free = h.createQuery("""
            SELECT p FROM generate_series(:low, :high) AS p
             WHERE NOT EXISTS (SELECT 1 FROM seedbox_host_ports WHERE host = :host AND port = p)
             ORDER BY p LIMIT 1""")
        .bind("low", range.low()).bind("high", range.high()).bind("host", host)
        .mapTo(Integer.class).findOne();
    if (free.isEmpty()) {
      throw new IllegalStateException("no free port left in " + range + " on host " + host);
    }
    int inserted = h.createUpdate("""
            INSERT INTO seedbox_host_ports (host, port, seedbox_uid, purpose, allocated_at)
            VALUES (:host, :port, :uid, :purpose, :now) ON CONFLICT DO NOTHING""")
        .bind("host", host).bind("port", free.get()).bind("uid", seedboxUid).bind("purpose", purpose)
        .bind("now", clock.instant().atOffset(java.time.ZoneOffset.UTC))
        .execute();
    if (inserted == 0) {
      return Optional.empty();
    }
    audit.append(h, actor, "byos.host-port-allocated", "seedbox:" + seedboxUid,
        Map.of("host", host, "port", free.get(), "purpose", purpose));
    return free;
  }

  private Optional<Integer> held(String host, String seedboxUid, String purpose) {
    return jdbi.withHandle(h -> h.createQuery("""
            SELECT port FROM seedbox_host_ports WHERE host = :host AND seedbox_uid = :uid AND purpose = :purpose""")
        .bind("host", host).bind("uid", seedboxUid).bind("purpose", purpose)
        .mapTo(Integer.class).findOne());
  }

  /** The ports this Seedbox holds on the host, by purpose. */
  public Map<String, Integer> held(String host, String seedboxUid) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    jdbi.useHandle(h -> h.createQuery("""
            SELECT purpose, port FROM seedbox_host_ports WHERE host = :host AND seedbox_uid = :uid ORDER BY port""")
        .bind("host", host).bind("uid", seedboxUid)
        .map((rs, ctx) -> Map.entry(rs.getString("purpose"), rs.getInt("port")))
        .forEach(e -> ports.put(e.getKey(), e.getValue())));
    return ports;
  }

  /**
   * Releases every port the Seedbox holds, on whichever host (its connection, and with it the host's name, may be
   * gone); releasing twice is a no-op.
   */
  public int release(String seedboxUid, String actor) {
    return jdbi.inTransaction(h -> {
      List<String> hosts = h.createQuery("DELETE FROM seedbox_host_ports WHERE seedbox_uid = :uid RETURNING host")
          .bind("uid", seedboxUid).mapTo(String.class).list();
      if (!hosts.isEmpty()) {
        audit.append(h, actor, "byos.host-ports-released", "seedbox:" + seedboxUid,
            Map.of("hosts", String.join(",", new TreeSet<>(hosts)), "count", hosts.size()));
      }
      return hosts.size();
    });
  }

  /** The inclusive port range Seedboxes get ports from ({@code SEEDBOX_BYOS_PORT_RANGE}, e.g. 20000-29999). */
  public record PortRange(int low, int high) {
    public PortRange {
      if (low < 1024 || high > 65535 || low > high) {
        throw new IllegalArgumentException("expected a port range like 20000-29999 within 1024-65535, found "
            + low + "-" + high);
      }
    }

    public static PortRange parse(String text) {
      String[] parts = text.trim().split("-", 2);
      if (parts.length != 2) {
        throw new IllegalArgumentException("expected a port range like 20000-29999, found " + text);
      }
      return new PortRange(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
    }

    int size() {
      return high - low + 1;
    }

    @Override
    public String toString() {
      return low + "-" + high;
    }
  }
}

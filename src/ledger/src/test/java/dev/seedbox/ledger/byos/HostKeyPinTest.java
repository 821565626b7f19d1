package dev.seedbox.ledger.byos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seedbox.ledger.audit.AuditEvent;
import dev.seedbox.ledger.audit.AuditLog;
import dev.seedbox.ledger.testing.MutableClock;
import dev.seedbox.ledger.testing.PostgresDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 12, attack 5: the pinned host key of a BYOS connection changes only through an audited re-pin. */
class HostKeyPinTest {

  @RegisterExtension
  static final PostgresDatabase DB = new PostgresDatabase();

  private static final String PINNED = "SHA256:" + "P".repeat(43);
  private static final String FORGED = "SHA256:" + "F".repeat(43);
  private static final String ACCEPTED = "SHA256:" + "A".repeat(43);
  private static final String PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGVzdGtleQ seedbox:ns/home#0";

  private final MutableClock clock = MutableClock.at("2026-04-01T00:00:00Z");
  private ByosConnections connections;
  private AuditLog audit;
  private String uid;

  @BeforeEach
  void pinnedConnection() {
    Jdbi jdbi = DB.runtimeJdbi();
    audit = new AuditLog(jdbi, clock);
    connections = new ByosConnections(jdbi, clock, audit);
    uid = UUID.randomUUID().toString();
    connections.upsert(record("host-a.example", 22), "test");
    assertThat(connections.pinHostKey(uid, PINNED, "test")).isEqualTo(new HostKeyPin.Pinned(PINNED));
  }

  @Test
  void theTwoUpdateTrickIsRefusedForTheRuntimeRoleAndThePinStays() {
    assertThatThrownBy(() -> exec(DB.runtime(), "UPDATE seedbox_byos_connections SET host = 'host-b.example', "
        + "pinned_host_key = NULL, pinned_at = NULL WHERE uid = '" + uid + "'"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("is pinned: its pin, host and port change only through seedbox_repin_host_key");
    assertThatThrownBy(() -> exec(DB.runtime(), "UPDATE seedbox_byos_connections SET pinned_host_key = '" + FORGED
        + "' WHERE uid = '" + uid + "'"))
        .isInstanceOf(SQLException.class);
    assertThatThrownBy(() -> exec(DB.runtime(), "UPDATE seedbox_byos_connections SET port = 2222 WHERE uid = '"
        + uid + "'"))
        .isInstanceOf(SQLException.class);

    ByosConnectionRecord row = connections.find(uid).orElseThrow();
    assertThat(row.pinnedHostKey()).isEqualTo(PINNED);
    assertThat(row.host()).isEqualTo("host-a.example");
  }

  @Test
  void editingTheHostAwayAndBackNeverRePins() {
    assertThatThrownBy(() -> connections.upsert(record("host-b.example", 22), "test"))
        .isInstanceOf(HostChangeRefusedException.class)
        .hasMessage("BYOS connection " + uid + " has host key " + PINNED + " pinned for host-a.example:22; expected "
            + "that host and port, found host-b.example:22");
    assertThatThrownBy(() -> connections.upsert(record("host-a.example", 2222), "test"))
        .isInstanceOf(HostChangeRefusedException.class);
    connections.upsert(record("host-a.example", 22), "test");

    assertThat(connections.pinHostKey(uid, FORGED, "test")).isEqualTo(new HostKeyPin.Mismatch(PINNED, FORGED));
    assertThat(connections.find(uid).orElseThrow().pinnedHostKey()).isEqualTo(PINNED);
    assertThat(actions()).doesNotContain("byos.host-key-repinned");
  }

  @Test
  void anExplicitRePinMovesTheConnectionAndIsAuditedInTheSameTransaction() {
    clock.advance(java.time.Duration.ofHours(1));

    ByosConnectionRecord moved = connections.repin(uid, "host-b.example", 2222, ACCEPTED, "seedbox-operator/test");

    assertThat(moved.host()).isEqualTo("host-b.example");
    assertThat(moved.port()).isEqualTo(2222);
    assertThat(moved.pinnedHostKey()).isEqualTo(ACCEPTED);
    assertThat(moved.pinnedAt()).isEqualTo(clock.instant());
    List<AuditEvent> repins = audit.recent("byosconnection:" + uid, 20).stream()
        .filter(e -> e.action().equals("byos.host-key-repinned")).toList();
    assertThat(repins).singleElement().satisfies(e -> {
      assertThat(e.actor()).isEqualTo("seedbox-operator/test");
      assertThat(e.detailJson()).contains(PINNED, ACCEPTED, "host-a.example", "host-b.example");
    });

    connections.repin(uid, "host-b.example", 2222, ACCEPTED, "seedbox-operator/test");
    assertThat(actions().stream().filter("byos.host-key-repinned"::equals)).as("asking again changes nothing")
        .hasSize(1);
    assertThatThrownBy(() -> connections.repin(uid, "host-b.example", 2222, "not a fingerprint", "test"))
        .hasMessageContaining("expected the accepted host key as SHA256:");
  }

  private List<String> actions() {
    return audit.recent("byosconnection:" + uid, 50).stream().map(AuditEvent::action).toList();
  }

  private ByosConnectionRecord record(String host, int port) {
    return ByosConnectionRecord.of(uid, "ns", "home", host, port, "seedbox", PUBLIC_KEY, "SHA256:" + "K".repeat(43),
        "kubernetes:ns/home-key-0#ssh-privatekey");
  }

  private static void exec(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}

package dev.seedbox.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.ledger.testing.PostgresDatabase;
import dev.seedbox.runtime.DatabaseSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class MigrateCommandTest {

  @Test
  void migrateAppliesTheLedgerSchemaAsTheOwnerAndGrantsTheRuntimeRoleAndIsSafeToRerun() throws Exception {
    var pg = PostgresDatabase.server();
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE billing_migrate_test OWNER " + PostgresDatabase.OWNER_ROLE);
    }
    String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/billing_migrate_test";
    DatabaseSettings settings = new DatabaseSettings(url, "", "", PostgresDatabase.OWNER_ROLE,
        PostgresDatabase.PASSWORD, dev.seedbox.ledger.schema.RuntimeRoles.DEFAULTS, 2);

    BillingMain.migrate(settings);
    BillingMain.migrate(settings);

    try (Connection runtime = DriverManager.getConnection(url, PostgresDatabase.BILLING_ROLE,
        PostgresDatabase.PASSWORD); Statement s = runtime.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM seedbox_payments")) {
      rs.next();
      assertThat(rs.getLong(1)).isZero();
    }
    try (Connection owner = DriverManager.getConnection(url, PostgresDatabase.OWNER_ROLE, PostgresDatabase.PASSWORD);
        Statement s = owner.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success")) {
      rs.next();
      assertThat(rs.getLong(1)).isPositive();
    }
  }
}

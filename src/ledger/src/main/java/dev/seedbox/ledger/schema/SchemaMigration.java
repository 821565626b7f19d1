package dev.seedbox.ledger.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the ledger's Flyway migrations as the schema owner and grants each service's runtime role exactly what it
 * needs. The services' {@code migrate} command and the Helm hook Job call this; the services themselves then connect
 * as their runtime role, which owns nothing. Migrating does not finish while a runtime role could create temporary
 * tables or objects in the schema, or holds the owner's rights.
 */
public final class SchemaMigration {

  public static final String LOCATION = "classpath:db/migration";

  private static final Logger LOG = LoggerFactory.getLogger(SchemaMigration.class);

  private SchemaMigration() {}

  /**
   * Migrates the schema reachable through {@code owner} and (re)grants the runtime roles. The roles must already
   * exist and must not be the migrating role.
   *
   * @return the number of migrations applied by this call
   * @throws UnsafeRuntimeRoleException a runtime role (or PUBLIC) holds a privilege that would let it escalate
   */
  public static int migrate(DataSource owner, RuntimeRoles roles) {
    MigrateResult result = Flyway.configure()
        .dataSource(owner)
        .locations(LOCATION)
        // runtimeRole: V1 checks that a runtime role exists and is not the owner
        .placeholders(Map.of("runtimeRole", roles.operator(), "operatorRole", roles.operator(),
            "billingRole", roles.billing()))
        .failOnMissingLocations(true)
        .load()
        .migrate();
    List<String> problems = unsafePrivileges(owner, roles);
    if (!problems.isEmpty()) {
      throw new UnsafeRuntimeRoleException(problems);
    }
    LOG.info("ledger schema migrated to version {} ({} migrations applied), runtime roles {} (operator) and {} "
        + "(billing)", result.targetSchemaVersion, result.migrationsExecuted, roles.operator(), roles.billing());
    return result.migrationsExecuted;
  }

  /** What a runtime role or PUBLIC may do that it must not, one line each; empty when nothing. */
  static List<String> unsafePrivileges(DataSource owner, RuntimeRoles roles) {
    List<String> problems = new ArrayList<>();
    try (Connection c = owner.getConnection()) {
      List<String> grantees = new ArrayList<>(roles.all());
      grantees.add("public");
      for (String role : grantees) {
        String grantee = role.equals("public") ? "PUBLIC" : role;
        String who = role.equals("public") ? "PUBLIC" : "runtime role " + role;
        if (check(c, "SELECT has_database_privilege(?, current_database(), 'TEMPORARY')", role)) {
          problems.add(who + " holds TEMPORARY on database " + single(c, "SELECT current_database()")
              + ": its temporary tables could shadow the ledger's (REVOKE TEMPORARY ON DATABASE ... FROM " + grantee
              + ")");
        }
        if (check(c, "SELECT has_schema_privilege(?, 'public', 'CREATE')", role)) {
          problems.add(who + " holds CREATE on schema public (REVOKE CREATE ON SCHEMA public FROM " + grantee + ")");
        }
        if (role.equals("public")) {
          continue;
        }
        if (check(c, "SELECT pg_has_role(?, current_user, 'USAGE')", role)) {
          problems.add(who + " has the schema owner's rights (it is a member of " + single(c, "SELECT current_user")
              + ")");
        }
        if (check(c, "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = ?", role)) {
          problems.add(who + " is a superuser or bypasses row security");
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not check the runtime roles' privileges: " + e.getMessage(), e);
    }
    return problems;
  }

  private static boolean check(Connection c, String sql, String role) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, role);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  private static String single(Connection c, String sql) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getString(1);
    }
  }
}

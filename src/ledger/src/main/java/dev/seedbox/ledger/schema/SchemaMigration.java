package dev.seedbox.ledger.schema;

import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the ledger's Flyway migrations as the schema owner and grants the runtime role exactly what the
 * services need. The services' {@code migrate} command and the Helm hook Job call this; the services themselves
 * then connect as the runtime role, which owns nothing.
 */
public final class SchemaMigration {

  public static final String DEFAULT_RUNTIME_ROLE = "seedbox_app";
  public static final String LOCATION = "classpath:db/migration";

  private static final Logger LOG = LoggerFactory.getLogger(SchemaMigration.class);
  // the role name is spliced into GRANT statements, so only plain identifiers pass
  private static final Pattern ROLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private SchemaMigration() {}

  /**
   * Migrates the schema reachable through {@code owner} and (re)grants {@code runtimeRole}. The runtime role must
   * already exist and must not be the migrating role.
   *
   * @return the number of migrations applied by this call
   */
  public static int migrate(DataSource owner, String runtimeRole) {
    if (runtimeRole == null || !ROLE_NAME.matcher(runtimeRole).matches()) {
      throw new IllegalArgumentException("runtime role must be a lower-case SQL identifier matching "
          + ROLE_NAME.pattern() + ", got '" + runtimeRole + "'");
    }
    MigrateResult result = Flyway.configure()
        .dataSource(owner)
        .locations(LOCATION)
        .placeholders(Map.of("runtimeRole", runtimeRole))
        .failOnMissingLocations(true)
        .load()
        .migrate();
    LOG.info("ledger schema migrated to version {} ({} migrations applied), runtime role {}",
        result.targetSchemaVersion, result.migrationsExecuted, runtimeRole);
    return result.migrationsExecuted;
  }
}

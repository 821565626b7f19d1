package dev.seedbox.billing;

import com.zaxxer.hikari.HikariDataSource;
import dev.seedbox.ledger.schema.SchemaMigration;
import dev.seedbox.runtime.Command;
import dev.seedbox.runtime.DatabaseSettings;
import dev.seedbox.runtime.Environment;
import dev.seedbox.runtime.InvalidConfigurationException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code billing-controller [run | migrate]}: configuration is checked in full before anything starts. */
public final class BillingMain {

  private static final Logger LOG = LoggerFactory.getLogger(BillingMain.class);

  private BillingMain() {
  }

  public static void main(String[] args) throws InterruptedException {
    BillingConfig config;
    try {
      Command command = Command.parse(args);
      Environment env = Environment.system();
      config = BillingConfig.read(env, command);
      env.check();
    } catch (InvalidConfigurationException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    LOG.info("starting with {}", config);
    if (config.command() == Command.MIGRATE) {
      migrate(config.database());
      return;
    }
    Clock clock = Clock.systemUTC();
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    BillingApplication app = BillingApplication.start(config, metrics, openLedger(config.database(), clock, metrics),
        clock);
    CountDownLatch stopped = new CountDownLatch(1);
    Duration drain = config.drainBudget();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("stopping: finishing requests in flight (all within {})", drain);
      app.stop(drain);
      stopped.countDown();
    }, "billing-shutdown"));
    stopped.await();
  }

  /** Applies the ledger's migrations as the schema owner and (re)grants the runtime role, then returns. */
  static void migrate(DatabaseSettings database) {
    try (HikariDataSource owner = database.ownerDataSource("migrate")) {
      int applied = SchemaMigration.migrate(owner, database.runtimeRole());
      LOG.info("migrate: {} migrations applied; runtime role {} granted", applied, database.runtimeRole());
    }
  }

  /** The ledger over a runtime-role pool; the pool closes with it. */
  static LedgerBackend openLedger(DatabaseSettings database, Clock clock, MeterRegistry metrics) {
    HikariDataSource runtime = database.runtimeDataSource("billing");
    return LedgerBackend.open(runtime, runtime, clock, metrics);
  }
}

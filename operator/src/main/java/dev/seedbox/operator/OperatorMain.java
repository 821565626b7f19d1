package dev.seedbox.operator;

import com.zaxxer.hikari.HikariDataSource;
import dev.seedbox.api.plan.InvalidPlanCatalogException;
import dev.seedbox.api.plan.PlanCatalog;
import dev.seedbox.ledger.schema.SchemaMigration;
import dev.seedbox.runtime.Command;
import dev.seedbox.runtime.Environment;
import dev.seedbox.runtime.InvalidConfigurationException;
import dev.seedbox.runtime.VerifyCommand;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code seedbox-operator [run | migrate | verify]}: configuration from the environment (docs/configuration.md). */
public final class OperatorMain {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorMain.class);
  private static final int EXIT_CONFIGURATION = 2;
  private static final int EXIT_NOT_AVAILABLE = 3;

  private OperatorMain() {
  }

  public static void main(String[] args) throws InterruptedException {
    OperatorSettings settings;
    PlanCatalog plans = null;
    try {
      Command command = Command.parse(args);
      if (command == Command.VERIFY) {
        Environment env = Environment.system();
        VerifyCommand verify = VerifyCommand.read(env);
        env.check();
        System.exit(verify.run(Clock.systemUTC(), System.out));
        return;
      }
      settings = OperatorSettings.read(Environment.system(), command);
      if (command == Command.RUN) {
        plans = loadPlans(settings);
      }
    } catch (InvalidConfigurationException e) {
      System.err.println(e.getMessage());
      System.exit(EXIT_CONFIGURATION);
      return;
    }

    if (settings.command() == Command.MIGRATE) {
      try (HikariDataSource owner = settings.database().ownerDataSource("seedbox-migrate")) {
        SchemaMigration.migrate(owner, settings.database().runtimeRoles());
      } catch (RuntimeException e) {
        System.err.println("migrate failed: " + e.getMessage());
        System.exit(EXIT_NOT_AVAILABLE);
        return;
      }
      System.exit(0);
      return;
    }

    KubernetesClient client = new KubernetesClientBuilder().build();
    OperatorWiring wiring = OperatorWiring.start(settings, plans, client, Clock.systemUTC());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("stopping the operator");
      try {
        wiring.close();
        client.close();
      } finally {
        stopped.countDown();
      }
    }, "seedbox-operator-shutdown"));
    stopped.await();
  }

  /** A broken catalog is a configuration problem like any other: reported, and the process does not start. */
  static PlanCatalog loadPlans(OperatorSettings settings) {
    try {
      return PlanCatalog.load(settings.planCatalog());
    } catch (InvalidPlanCatalogException e) {
      throw new InvalidConfigurationException(e.problems().stream()
          .map(problem -> "SEEDBOX_PLAN_CATALOG " + settings.planCatalog() + ": " + problem)
          .toList());
    }
  }
}

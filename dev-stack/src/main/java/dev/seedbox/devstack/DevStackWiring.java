package dev.seedbox.devstack;

import com.zaxxer.hikari.HikariDataSource;
import dev.seedbox.api.plan.PlanCatalog;
import dev.seedbox.billing.BillingApplication;
import dev.seedbox.billing.BillingConfig;
import dev.seedbox.billing.LedgerBackend;
import dev.seedbox.billing.account.AccountQueries;
import dev.seedbox.billing.topup.PaymentStore;
import dev.seedbox.billing.webhook.PaymentEvents;
import dev.seedbox.ledger.CycleReport;
import dev.seedbox.ledger.LedgerModule;
import dev.seedbox.operator.OperatorSettings;
import dev.seedbox.operator.OperatorWiring;
import dev.seedbox.provisioning.ProviderRegistry;
import dev.seedbox.provisioning.inmemory.InMemoryProvider;
import dev.seedbox.runtime.Command;
import dev.seedbox.runtime.DatabaseSettings;
import dev.seedbox.runtime.Environment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * THE one place where the dev stack meets the services' wiring signatures. Everything else in this module talks to
 * the services over their real interfaces (Kubernetes API, HTTP) and does not change when the wiring does.
 *
 * <p>Written against the signatures on the branch today:
 * <ul>
 *   <li>{@code OperatorWiring.start(settings, plans, client, clock)} — it takes no ledger and no provider yet. When it
 *       gains them (e.g. {@code start(settings, plans, client, clock, ledgerModule, providers)}), pass
 *       {@link #ledger} built on {@link #runtimeDataSource} and {@link #providers} in {@link #startOperator}.</li>
 *   <li>{@code BillingApplication.start(config, ledgerBackend, clock)} with {@code BillingMain.openLedger} still a
 *       seam that throws. {@link #openLedger} returns {@link NotYetWiredLedger} until then: it answers readiness from
 *       the real database, and every money call fails with a message that says why. After the billing branch lands,
 *       replace its body with the ledger-backed backend (make {@code BillingMain.openLedger} public, or call the class
 *       it returns), giving it {@code clock} so webhooks, settlement and the cycle share the dev clock.</li>
 *   <li>The billing cycle is the ledger's own {@code BillingPolicy.runCycleExclusively()} (advisory lock), the step
 *       the billing-controller's worker runs each SEEDBOX_BILLING_INTERVAL; the dev stack calls it right after each
 *       clock jump instead of waiting for the worker.</li>
 * </ul>
 * Settings are built through the services' own {@code read(Environment, Command)} from an environment map, so they go
 * through the same validation as in a cluster and survive new record components.
 */
final class DevStackWiring {

  /** Makes each provider call take a moment, so Pending → Provisioning → Active is visible in the table. */
  static final Duration PROVIDER_LATENCY = Duration.ofMillis(400);
  static final Duration PROVIDER_ACTIVATION = Duration.ofSeconds(2);

  private DevStackWiring() {
  }

  static OperatorSettings operatorSettings(DatabaseSettings database, Path planCatalog, int httpPort) {
    Map<String, String> env = databaseEnv(database);
    env.put("SEEDBOX_HTTP_PORT", Integer.toString(httpPort));
    env.put("SEEDBOX_PLAN_CATALOG", planCatalog.toString());
    env.put("SEEDBOX_PROVIDERS", "inmemory");
    // one process, one replica: nothing to elect, and the mock answers no SelfSubjectRulesReview
    env.put("SEEDBOX_LEADER_ELECTION", "false");
    env.put("SEEDBOX_RECONCILE_THREADS", "8");
    env.put("SEEDBOX_MAX_RECONCILE_INTERVAL", "PT10S");
    Environment environment = Environment.of(env);
    OperatorSettings settings = OperatorSettings.read(environment, Command.RUN);
    environment.check();
    return settings.withExitOnStopLeading(false);
  }

  static BillingConfig billingConfig(DatabaseSettings database, int httpPort, String apiToken, URI gatewayUrl,
      SandboxCredentials gateway) {
    Map<String, String> env = databaseEnv(database);
    env.put("SEEDBOX_HTTP_PORT", Integer.toString(httpPort));
    env.put("SEEDBOX_API_TOKEN", apiToken);
    env.put("SEEDBOX_COINPAYPORTAL_API_URL", gatewayUrl.toString());
    env.put("SEEDBOX_COINPAYPORTAL_API_KEY", gateway.apiKey());
    env.put("SEEDBOX_COINPAYPORTAL_BUSINESS_ID", gateway.businessId());
    env.put("SEEDBOX_COINPAYPORTAL_WEBHOOK_SECRET", gateway.webhookSecret());
    env.put("SEEDBOX_GATEWAY_TIMEOUT", "PT5S");
    Environment environment = Environment.of(env);
    BillingConfig config = BillingConfig.read(environment, Command.RUN);
    environment.check();
    return config;
  }

  /** The in-memory provider, slowed down a little so the phases can be watched. */
  static ProviderRegistry providers(Clock clock) {
    return new ProviderRegistry(List.of(new InMemoryProvider(InMemoryProvider.Options.defaults()
        .withLatency(PROVIDER_LATENCY)
        .withActivationDelay(PROVIDER_ACTIVATION)
        .withClock(clock))));
  }

  static HikariDataSource runtimeDataSource(DatabaseSettings database) {
    return database.runtimeDataSource("devstack-runtime");
  }

  static LedgerModule ledger(HikariDataSource runtime, Clock clock) {
    return LedgerModule.create(runtime, clock);
  }

  /**
   * Starts the operator. Today it receives no ledger and no provider (see the class comment); the parameters are
   * here so the call site does not change when it does.
   */
  static OperatorWiring startOperator(OperatorSettings settings, PlanCatalog plans, KubernetesClient client,
      Clock clock, LedgerModule ledger, ProviderRegistry providers) {
    return OperatorWiring.start(settings, plans, client, clock);
  }

  static BillingApplication startBilling(BillingConfig config, HikariDataSource runtime, Clock clock) {
    return BillingApplication.start(config, openLedger(runtime, clock), clock);
  }

  /** SEAM(billing merge): the ledger-backed backend replaces this; see the class comment. */
  static LedgerBackend openLedger(HikariDataSource runtime, Clock clock) {
    return new NotYetWiredLedger(runtime);
  }

  /** One billing cycle, as the billing-controller's worker runs it; empty when another run holds the lock. */
  static Optional<CycleReport> runBillingCycle(LedgerModule ledger) {
    return ledger.billing().runCycleExclusively();
  }

  private static Map<String, String> databaseEnv(DatabaseSettings database) {
    Map<String, String> env = new HashMap<>();
    env.put("SEEDBOX_DB_URL", database.url());
    env.put("SEEDBOX_DB_USER", database.user());
    env.put("SEEDBOX_DB_PASSWORD", database.password());
    env.put("SEEDBOX_DB_RUNTIME_ROLE", database.runtimeRole());
    return env;
  }

  /** The sandbox gateway's credentials, generated at start; the billing-controller is configured with the same. */
  record SandboxCredentials(String apiKey, String businessId, String webhookSecret) {
    @Override
    public String toString() {
      return "SandboxCredentials[businessId=" + businessId + "]";
    }
  }

  /**
   * The billing-controller's ledger seam before the ledger-backed implementation is merged: readiness comes from the
   * real database (as the runtime role), money calls refuse with a clear message (answered as 500), never pretend.
   */
  static final class NotYetWiredLedger implements LedgerBackend {

    static final String MESSAGE = "the ledger-backed billing backend is not merged into this build yet "
        + "(BillingMain.openLedger is still a seam); the dev stack cannot move money";

    private final HikariDataSource runtime;

    NotYetWiredLedger(HikariDataSource runtime) {
      this.runtime = runtime;
    }

    @Override
    public PaymentEvents paymentEvents() {
      return event -> {
        throw new UnsupportedOperationException(MESSAGE);
      };
    }

    @Override
    public PaymentStore payments() {
      return new PaymentStore() {
        @Override
        public dev.seedbox.billing.topup.StoredPayment createPending(dev.seedbox.billing.topup.AccountRef account,
            dev.seedbox.billing.topup.UsdAmount amount, dev.seedbox.billing.gateway.Blockchain blockchain,
            String requestKey) {
          throw new UnsupportedOperationException(MESSAGE);
        }

        @Override
        public dev.seedbox.billing.topup.StoredPayment attachGateway(String paymentId,
            dev.seedbox.billing.gateway.GatewayPayment gatewayPayment) {
          throw new UnsupportedOperationException(MESSAGE);
        }

        @Override
        public Optional<dev.seedbox.billing.topup.StoredPayment> find(String paymentId) {
          throw new UnsupportedOperationException(MESSAGE);
        }
      };
    }

    @Override
    public AccountQueries accounts() {
      return (account, recent) -> {
        throw new UnsupportedOperationException(MESSAGE);
      };
    }

    @Override
    public boolean ready() {
      try (Connection c = runtime.getConnection()) {
        return c.isValid(2);
      } catch (SQLException e) {
        return false;
      }
    }

    @Override
    public void close() {
      // the pool belongs to the dev stack, which closes it after the billing-controller
    }
  }
}

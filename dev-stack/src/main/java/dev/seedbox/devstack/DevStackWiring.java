package dev.seedbox.devstack;

import com.zaxxer.hikari.HikariDataSource;
import dev.seedbox.api.plan.PlanCatalog;
import dev.seedbox.billing.BillingApplication;
import dev.seedbox.billing.BillingConfig;
import dev.seedbox.billing.LedgerBackend;
import dev.seedbox.hostchannel.inmemory.InMemoryHost;
import dev.seedbox.ledger.CycleReport;
import dev.seedbox.ledger.LedgerModule;
import dev.seedbox.operator.AccountsWiring;
import dev.seedbox.operator.OperatorSettings;
import dev.seedbox.operator.OperatorWiring;
import dev.seedbox.operator.seedbox.SeedboxTiming;
import dev.seedbox.provisioning.ProviderRegistry;
import dev.seedbox.provisioning.inmemory.InMemoryProvider;
import dev.seedbox.runtime.Command;
import dev.seedbox.runtime.DatabaseSettings;
import dev.seedbox.runtime.Environment;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place where the dev stack meets the services' wiring: settings go through the services' own
 * {@code read(Environment, Command)} from an environment map (the same validation as in a cluster); the operator gets
 * the embedded database and the slowed-down in-memory provider; the billing-controller gets the ledger-backed backend.
 * Both share the dev clock, so a clock jump moves billing, settlement and terminate-at together.
 */
final class DevStackWiring {

  /** Makes each provider call take a moment, so Pending → Provisioning → Active is visible in the table. */
  static final Duration PROVIDER_LATENCY = Duration.ofMillis(400);
  static final Duration PROVIDER_ACTIVATION = Duration.ofSeconds(2);
  /** Each command on a server's host channel, about an SSH round trip to a distant server. */
  static final Duration HOST_LATENCY = Duration.ofMillis(150);

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
    // the sample customer's server stands on loopback, which the operator otherwise refuses to connect to
    env.put("SEEDBOX_SSH_ALLOWED_ADDRESSES", Homelab.ALLOWED_ADDRESSES);
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

  /**
   * The in-memory provider, slowed down a little so the phases can be watched; its servers run on an in-memory host
   * the operator manages over the same host-channel contract as a real server.
   */
  static ProviderRegistry providers(Clock clock) {
    return new ProviderRegistry(List.of(new InMemoryProvider(InMemoryProvider.Options.defaults()
        .withLatency(PROVIDER_LATENCY)
        .withActivationDelay(PROVIDER_ACTIVATION)
        .withClock(clock), new InMemoryHost(HOST_LATENCY))));
  }

  static HikariDataSource runtimeDataSource(DatabaseSettings database) {
    return database.runtimeDataSource("devstack-" + database.user());
  }

  static LedgerModule ledger(HikariDataSource runtime, Clock clock) {
    return LedgerModule.create(runtime, clock);
  }

  /** Starts the operator over the embedded database (the dev stack owns and closes the pool). */
  static OperatorWiring startOperator(OperatorSettings settings, PlanCatalog plans, KubernetesClient client,
      Clock clock, HikariDataSource runtime, ProviderRegistry providers, InMemoryHost customerServers,
      Homelab homelab) {
    return OperatorWiring.start(settings, plans, client, clock, new OperatorWiring.Backends(runtime, providers,
        SeedboxTiming.defaults(), AccountsWiring.Timings.DEFAULTS, false)
        .withCustomerServers(customerServers).withResolver(homelab.resolver()));
  }

  /** Starts the billing-controller on the ledger (the dev stack owns and closes the pool). */
  static BillingApplication startBilling(BillingConfig config, HikariDataSource runtime, Clock clock) {
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return BillingApplication.start(config, metrics, LedgerBackend.open(runtime, null, clock, metrics), clock);
  }

  /**
   * One billing cycle, run by the billing-controller's own worker (so its metrics count it, and the audit chain is
   * sealed as after a scheduled run); empty when another run holds the lock.
   */
  static Optional<CycleReport> runBillingCycle(BillingApplication billing) {
    return billing.worker().runOnce().cycle();
  }

  private static Map<String, String> databaseEnv(DatabaseSettings database) {
    Map<String, String> env = new HashMap<>();
    env.put("SEEDBOX_DB_URL", database.url());
    env.put("SEEDBOX_DB_USER", database.user());
    env.put("SEEDBOX_DB_PASSWORD", database.password());
    env.put("SEEDBOX_DB_OPERATOR_ROLE", database.runtimeRoles().operator());
    env.put("SEEDBOX_DB_BILLING_ROLE", database.runtimeRoles().billing());
    return env;
  }

  /** The sandbox gateway's credentials, generated at start; the billing-controller is configured with the same. */
  record SandboxCredentials(String apiKey, String businessId, String webhookSecret) {
    @Override
    public String toString() {
      return "SandboxCredentials[businessId=" + businessId + "]";
    }
  }
}

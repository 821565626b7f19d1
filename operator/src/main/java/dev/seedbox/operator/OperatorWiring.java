package dev.seedbox.operator;

import dev.seedbox.api.plan.PlanCatalog;
import dev.seedbox.operator.http.OperatorHttpServer;
import dev.seedbox.operator.metrics.OperatorMetrics;
import dev.seedbox.operator.reconcile.EventRecorder;
import dev.seedbox.operator.reconcile.PauseGate;
import dev.seedbox.operator.seedbox.SeedboxReconciler;
import dev.seedbox.runtime.HealthEndpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's object graph, wired by hand: metrics, the JOSDK {@link Operator} with our configuration, the three
 * reconcilers and the health/metrics HTTP server. {@link OperatorMain} and the test harness both start it, so
 * tests run the configuration production runs.
 */
public final class OperatorWiring implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorWiring.class);

  private final OperatorSettings settings;
  private final PlanCatalog plans;
  private final PrometheusMeterRegistry registry;
  private final OperatorMetrics metrics;
  private final Operator operator;
  private final AccountsWiring accounts;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean leading = new AtomicBoolean();
  private OperatorHttpServer http;

  private OperatorWiring(OperatorSettings settings, PlanCatalog plans, KubernetesClient client, Clock clock,
      AccountsWiring.Timings accountTimings) {
    this.settings = settings;
    this.plans = plans;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.metrics = new OperatorMetrics(registry);
    this.operator = new Operator(overrider -> configure(overrider, client));

    EventRecorder events = new EventRecorder(client, clock);
    PauseGate pauseGate = new PauseGate(events, clock);
    register(new SeedboxReconciler(pauseGate, metrics));
    this.accounts = AccountsWiring.create(settings, client, clock, events, pauseGate, metrics, accountTimings);
    register(accounts.billingAccounts());
    register(accounts.byosConnections());
  }

  /**
   * Starts the HTTP endpoints, then the operator. With leader election the reconcilers start once this replica
   * holds the Lease; readiness says so.
   */
  public static OperatorWiring start(OperatorSettings settings, PlanCatalog plans, KubernetesClient client,
      Clock clock) {
    return start(settings, plans, client, clock, AccountsWiring.Timings.DEFAULTS);
  }

  /** As {@link #start(OperatorSettings, PlanCatalog, KubernetesClient, Clock)}, with tests' retry intervals. */
  public static OperatorWiring start(OperatorSettings settings, PlanCatalog plans, KubernetesClient client,
      Clock clock, AccountsWiring.Timings accountTimings) {
    OperatorWiring wiring = new OperatorWiring(settings, plans, client, clock, accountTimings);
    HealthEndpoints endpoints = new HealthEndpoints(wiring.registry)
        .readyWhen("operator-started", wiring.started::get)
        .readyWhen("leader", () -> !settings.leaderElection() || wiring.leading.get())
        .readyWhen("informers", () -> !wiring.started.get() || !wiring.reconciling()
            || wiring.operator.getRuntimeInfo().allEventSourcesAreHealthy());
    wiring.http = OperatorHttpServer.start(endpoints, settings.httpPort());
    try {
      wiring.operator.start();
    } catch (RuntimeException e) {
      wiring.http.close();
      throw e;
    }
    wiring.started.set(true);
    LOG.info("operator started: watching {}, leader election {}, HTTP on port {}",
        settings.watchNamespaces().isEmpty() ? "all namespaces" : settings.watchNamespaces(),
        settings.leaderElection() ? "on" : "off", wiring.http.port());
    return wiring;
  }

  private void configure(ConfigurationServiceOverrider overrider, KubernetesClient client) {
    overrider.withKubernetesClient(client)
        // The fabric8 mock answers server-side apply with 415; JSON/merge patches work there and on real clusters.
        .withUseSSAToPatchPrimaryResource(false)
        // Provider calls block, so the pool is sized by configuration, not by the core count.
        .withConcurrentReconciliationThreads(settings.reconcileThreads())
        .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry))
        // The client belongs to whoever made it (tests share one across restarts).
        .withCloseClientOnStop(false);
    if (settings.leaderElection()) {
      LeaderElectionConfigurationBuilder election = LeaderElectionConfigurationBuilder
          .aLeaderElectionConfiguration(OperatorSettings.LEASE_NAME)
          .withExitOnStopLeading(settings.exitOnStopLeading())
          .withLeaderCallbacks(new LeaderCallbacks(
              () -> {
                leading.set(true);
                LOG.info("this replica holds the {} Lease", OperatorSettings.LEASE_NAME);
              },
              () -> {
                leading.set(false);
                LOG.warn("this replica lost the {} Lease", OperatorSettings.LEASE_NAME);
              },
              leader -> LOG.info("current leader: {}", leader)));
      if (!settings.leaseNamespace().isEmpty()) {
        election.withLeaseNamespace(settings.leaseNamespace());
      }
      overrider.withLeaderElectionConfiguration(election.build());
    }
  }

  private <P extends HasMetadata> void register(Reconciler<P> reconciler) {
    operator.register(reconciler, (ControllerConfigurationOverrider<P> controller) -> {
      controller.withReconciliationMaxInterval(settings.maxReconcileInterval());
      if (settings.watchNamespaces().isEmpty()) {
        controller.watchingAllNamespaces();
      } else {
        controller.settingNamespaces(settings.watchNamespaces());
      }
    });
  }

  private boolean reconciling() {
    return !settings.leaderElection() || leading.get();
  }

  /** Ready: started and, with leader election, holding the Lease with healthy informers. */
  public boolean ready() {
    return started.get() && reconciling() && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  public boolean leading() {
    return leading.get();
  }

  public int httpPort() {
    return http.port();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public OperatorMetrics metrics() {
    return metrics;
  }

  public PlanCatalog plans() {
    return plans;
  }

  public Operator operator() {
    return operator;
  }

  @Override
  public void close() {
    try {
      operator.stop();
    } finally {
      started.set(false);
      leading.set(false);
      if (http != null) {
        http.close();
      }
      accounts.close();
    }
  }
}

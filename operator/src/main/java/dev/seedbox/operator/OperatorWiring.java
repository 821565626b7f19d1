package dev.seedbox.operator;

import dev.seedbox.api.lifecycle.Lifecycle;
import dev.seedbox.api.plan.PlanCatalog;
import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.api.v1alpha1.SecretStoreKind;
import dev.seedbox.hostchannel.SshHostChannel;
import dev.seedbox.hostchannel.https.CertificateCheck;
import dev.seedbox.hostchannel.https.TlsCertificateCheck;
import dev.seedbox.hostchannel.https.WebUiRoutes;
import dev.seedbox.hostchannel.inmemory.InMemoryHost;
import dev.seedbox.keys.key.Ed25519Keys;
import dev.seedbox.keys.store.SecretStore;
import dev.seedbox.keys.store.VaultConfig;
import dev.seedbox.keys.store.VaultSecretStore;
import dev.seedbox.keys.verify.AddressPolicy;
import dev.seedbox.keys.verify.Cidr;
import dev.seedbox.keys.verify.HostResolver;
import dev.seedbox.ledger.LedgerModule;
import dev.seedbox.ledger.byos.HostPorts;
import dev.seedbox.operator.host.HostChannels;
import dev.seedbox.operator.host.ManagedServers;
import dev.seedbox.operator.host.OwnServers;
import dev.seedbox.operator.host.ServerKeys;
import dev.seedbox.operator.http.OperatorHttpServer;
import dev.seedbox.operator.https.WebUiHostnames;
import dev.seedbox.operator.ledgerevents.LedgerChangeEventSource;
import dev.seedbox.operator.ledgerevents.LedgerListener;
import dev.seedbox.operator.metrics.OperatorMetrics;
import dev.seedbox.operator.reconcile.EventRecorder;
import dev.seedbox.operator.reconcile.PauseGate;
import dev.seedbox.operator.seedbox.OrphanSweep;
import dev.seedbox.operator.seedbox.SeedboxReconciler;
import dev.seedbox.operator.seedbox.SeedboxTiming;
import dev.seedbox.provisioning.ProviderRegistry;
import dev.seedbox.provisioning.ProvisioningProvider;
import dev.seedbox.provisioning.inmemory.InMemoryProvider;
import dev.seedbox.provisioning.client.TorrentClientProfiles;
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
import java.net.http.HttpClient;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's object graph, wired by hand: metrics, the JOSDK {@link Operator} with our configuration, the three
 * reconcilers and the health/metrics HTTP server. {@link OperatorMain} and the test harness both start it, so
 * tests run the configuration production runs.
 */
public final class OperatorWiring implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorWiring.class);
  /** How long a web UI login check or certificate check waits for the server. */
  private static final Duration WEB_UI_TIMEOUT = Duration.ofSeconds(10);

  private final OperatorSettings settings;
  private final PlanCatalog plans;
  private final PrometheusMeterRegistry registry;
  private final OperatorMetrics metrics;
  private final Operator operator;
  private final AccountsWiring accounts;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean leading = new AtomicBoolean();
  private final Backends backends;
  private final LedgerModule ledger;
  private final LedgerListener ledgerListener;
  private final Lifecycle lifecycle;
  private final SeedboxReconciler seedboxes;
  private final OrphanSweep orphanSweep;
  private final ScheduledExecutorService sweeper;
  private final SshHostChannel sshHosts;
  private final WebUiRoutes webUiRoutes;
  private OperatorHttpServer http;

  /**
   * What the operator talks to outside Kubernetes. Production builds it from the settings; tests pass an embedded
   * PostgreSQL and an {@code InMemoryProvider} they hold on to.
   *
   * @param database the runtime role's pool
   * @param providers the enabled providers
   * @param timing how soon seedboxes are looked at again and the orphan sweep's grace
   * @param accountTimings how soon BillingAccounts and ByosConnections are looked at again
   * @param ownsDatabase close the pool with the operator (production) or leave it to the caller (tests)
   * @param inMemoryHosts the hosts the servers of in-memory providers run on; every other provider's servers are
   *     reached over SSH
   * @param customerServers where customers' own servers are, for the dev stack and tests; null in production,
   *     where they are reached over SSH
   * @param resolver how host names in ByosConnections and server addresses are resolved (the system's in
   *     production; the dev stack names its stand-in for a customer's server)
   */
  public record Backends(DataSource database, ProviderRegistry providers, SeedboxTiming timing,
      AccountsWiring.Timings accountTimings, boolean ownsDatabase, Map<ProviderKind, InMemoryHost> inMemoryHosts,
      InMemoryHost customerServers, HostResolver resolver) {

    public Backends {
      Objects.requireNonNull(database, "database");
      Objects.requireNonNull(providers, "providers");
      Objects.requireNonNull(timing, "timing");
      Objects.requireNonNull(accountTimings, "accountTimings");
      inMemoryHosts = Map.copyOf(inMemoryHosts);
      Objects.requireNonNull(resolver, "resolver");
    }

    public Backends(DataSource database, ProviderRegistry providers, SeedboxTiming timing,
        AccountsWiring.Timings accountTimings, boolean ownsDatabase, Map<ProviderKind, InMemoryHost> inMemoryHosts) {
      this(database, providers, timing, accountTimings, ownsDatabase, inMemoryHosts, null, HostResolver.SYSTEM);
    }

    /** The same, with customers' own servers on {@code host}. */
    public Backends withCustomerServers(InMemoryHost host) {
      return new Backends(database, providers, timing, accountTimings, ownsDatabase, inMemoryHosts, host, resolver);
    }

    /** The same, resolving host names with {@code names}. */
    public Backends withResolver(HostResolver names) {
      return new Backends(database, providers, timing, accountTimings, ownsDatabase, inMemoryHosts, customerServers,
          names);
    }

    /** The in-memory providers among {@code providers} bring their own hosts. */
    public Backends(DataSource database, ProviderRegistry providers, SeedboxTiming timing,
        AccountsWiring.Timings accountTimings, boolean ownsDatabase) {
      this(database, providers, timing, accountTimings, ownsDatabase, inMemoryHostsOf(providers));
    }

    /** The runtime pool and the providers the settings name, with production timing. */
    public static Backends fromSettings(OperatorSettings settings) {
      return new Backends(settings.database().runtimeDataSource("seedbox-operator"), providers(settings),
          SeedboxTiming.defaults().withHostChecks(settings.host().probeInterval(), settings.host().bootDeadline()),
          AccountsWiring.Timings.DEFAULTS, true);
    }

    private static Map<ProviderKind, InMemoryHost> inMemoryHostsOf(ProviderRegistry providers) {
      Map<ProviderKind, InMemoryHost> hosts = new EnumMap<>(ProviderKind.class);
      for (ProvisioningProvider provider : providers.all()) {
        if (provider instanceof InMemoryProvider inMemory) {
          hosts.put(provider.kind(), inMemory.host());
        }
      }
      return hosts;
    }

    /** The enabled providers, built from the settings OperatorSettings already validated. */
    static ProviderRegistry providers(OperatorSettings settings) {
      return settings.providers().registry();
    }
  }

  private OperatorWiring(OperatorSettings settings, PlanCatalog plans, KubernetesClient client, Clock clock,
      Backends backends) {
    this.settings = settings;
    this.plans = plans;
    this.backends = backends;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.metrics = new OperatorMetrics(registry);
    this.operator = new Operator(overrider -> configure(overrider, client));
    this.ledger = LedgerModule.create(backends.database(), clock);
    this.lifecycle = new Lifecycle(clock);
    this.ledgerListener = new LedgerListener(backends.database()).start();

    EventRecorder events = new EventRecorder(client, clock);
    PauseGate pauseGate = new PauseGate(events, clock);
    WebUiHostnames hostnames = new WebUiHostnames(settings.https(), client);
    this.webUiRoutes = WebUiRoutes.start(WEB_UI_TIMEOUT);
    SSLContext webUiTrust = settings.https().webUiTrust();
    TorrentClientProfiles clients = TorrentClientProfiles.shipped(HttpClient.newBuilder().connectTimeout(WEB_UI_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER).proxy(webUiRoutes).sslContext(webUiTrust).build());
    CertificateCheck certificates = new TlsCertificateCheck(webUiTrust, WEB_UI_TIMEOUT);
    this.sshHosts = new SshHostChannel(new AddressPolicy(settings.sshAllowedAddresses().stream().map(Cidr::parse)
        .toList()), backends.resolver(), SshHostChannel.Timeouts.DEFAULT, registry);
    HostChannels.Builder channels = HostChannels.builder();
    for (ProviderKind kind : backends.providers().enabled()) {
      InMemoryHost inMemory = backends.inMemoryHosts().get(kind);
      if (inMemory != null) {
        channels.inMemory(kind, inMemory);
      } else {
        channels.remote(kind, sshHosts, clients, certificates, webUiRoutes);
      }
    }
    ManagedServers servers = new ManagedServers(new ServerKeys(client, new Ed25519Keys(), serverKeyVault(settings)),
        channels.build(), clients, hostnames);
    OwnServers ownServers = new OwnServers(ledger.byos(), AccountsWiring.byosKeys(settings, client, backends.resolver()),
        backends.customerServers() != null ? HostChannels.inMemory(backends.customerServers())
            : HostChannels.remote(sshHosts, clients, certificates, webUiRoutes),
        new HostPorts(ledger.jdbi(), clock, ledger.audit(), settings.host().customerPorts()), clients,
        SeedboxReconciler.ACTOR, hostnames);
    this.seedboxes = new SeedboxReconciler(new SeedboxReconciler.Dependencies(pauseGate, metrics, events, ledger,
        backends.providers(), clients, plans, lifecycle, clock, ledgerListener,
        backends.timing(), client, hostnames, servers, ownServers));
    register(seedboxes);
    this.accounts = AccountsWiring.create(ledger, settings, client, backends.resolver(), clock, events, pauseGate,
        metrics, backends.accountTimings(), context -> List.of(LedgerChangeEventSource.forBillingAccounts(
            ledgerListener, context)));
    register(accounts.billingAccounts());
    register(accounts.byosConnections());

    this.orphanSweep = new OrphanSweep(backends.providers(), ledger, client, seedboxes::cachedSeedboxWithUid,
        () -> seedboxes.started() && reconciling(), metrics, clock, backends.timing());
    this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "seedbox-orphan-sweep");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts the HTTP endpoints, then the operator. With leader election the reconcilers start once this replica
   * holds the Lease; readiness says so.
   */
  public static OperatorWiring start(OperatorSettings settings, PlanCatalog plans, KubernetesClient client,
      Clock clock) {
    return start(settings, plans, client, clock, Backends.fromSettings(settings));
  }

  /** As {@link #start(OperatorSettings, PlanCatalog, KubernetesClient, Clock)}, with the backends given. */
  public static OperatorWiring start(OperatorSettings settings, PlanCatalog plans, KubernetesClient client,
      Clock clock, Backends backends) {
    OperatorWiring wiring = new OperatorWiring(settings, plans, client, clock, backends);
    HealthEndpoints endpoints = new HealthEndpoints(wiring.registry)
        .readyWhen("database", wiring::databaseReachable)
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
    long sweepMillis = Math.max(1, settings.orphanSweepInterval().toMillis());
    wiring.sweeper.scheduleWithFixedDelay(wiring::sweepQuietly, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
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

  private void sweepQuietly() {
    try {
      orphanSweep.sweep();
    } catch (RuntimeException e) {
      LOG.warn("orphan sweep failed: {}", e.getMessage(), e);
    }
  }

  private boolean databaseReachable() {
    try (Connection connection = backends.database().getConnection()) {
      return connection.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  private boolean reconciling() {
    return !settings.leaderElection() || leading.get();
  }

  /** Vault for the servers' keys when the settings keep them there; null keeps them in Secrets. */
  private static SecretStore serverKeyVault(OperatorSettings settings) {
    if (settings.host().keyStore() != SecretStoreKind.VAULT) {
      return null;
    }
    OperatorSettings.VaultSettings vault = settings.vault();
    return new VaultSecretStore(new VaultConfig(vault.address(), vault.token(), vault.mount(),
        settings.host().vaultKeysPrefix(), VaultConfig.DEFAULT_TIMEOUT, true));
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

  /** The ledger over the runtime DataSource (the BillingAccount reconciler shares it). */
  public LedgerModule ledger() {
    return ledger;
  }

  /** The process's LISTEN connection; controllers register a {@code LedgerChangeEventSource} over it. */
  public LedgerListener ledgerListener() {
    return ledgerListener;
  }

  public Lifecycle lifecycle() {
    return lifecycle;
  }

  public ProviderRegistry providers() {
    return backends.providers();
  }

  public OrphanSweep orphanSweep() {
    return orphanSweep;
  }

  @Override
  public void close() {
    try {
      sweeper.shutdownNow();
      operator.stop();
    } finally {
      started.set(false);
      leading.set(false);
      ledgerListener.close();
      sshHosts.close();
      webUiRoutes.close();
      if (http != null) {
        http.close();
      }
      if (backends.ownsDatabase() && backends.database() instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          LOG.warn("closing the database pool: {}", e.getMessage());
        }
      }
    }
  }
}

package dev.seedbox.operator.harness;

import dev.seedbox.api.plan.PlanCatalog;
import dev.seedbox.ledger.testing.PostgresDatabase;
import dev.seedbox.operator.OperatorSettings;
import dev.seedbox.keys.testing.InProcessSshServer;
import dev.seedbox.operator.AccountsWiring;
import dev.seedbox.operator.byos.ByosConnectionReconciler;
import dev.seedbox.operator.OperatorWiring;
import dev.seedbox.operator.https.HttpsSettings;
import dev.seedbox.operator.seedbox.SeedboxTiming;
import dev.seedbox.provisioning.ProviderRegistry;
import dev.seedbox.provisioning.RetryPolicy;
import dev.seedbox.provisioning.Sleeper;
import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.hostchannel.inmemory.InMemoryHost;
import dev.seedbox.provisioning.inmemory.InMemoryProvider;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@link KubernetesApiFixture} plus the operator itself, started in-process through {@link OperatorWiring} (the
 * wiring production uses) with leader election on, {@code exitOnStopLeading} off, and HTTP on a free port.
 *
 * <p>The backends are real: an embedded PostgreSQL (a fresh database per fixture, migrated) and an
 * {@link InMemoryProvider} the test can inject faults into, behind a {@link RecordingProvider} that keeps what the
 * operator asked of it; the clock can be a {@code MutableClock}. The provider retries nothing itself by default, so
 * that the operator's own back-off is what a test sees.
 */
public class OperatorFixture extends KubernetesApiFixture {

  public static final String LEASE_NAMESPACE = "seedbox-system";

  static final String PLANS = """
      plans:
        starter:
          displayName: Starter 1 TB
          pricePerPeriodCents: 1500
          storageGb: 1000
          providers:
            inmemory: { size: small, regions: [local] }
            digitalocean: { size: s-2vcpu-4gb, regions: [ams3, fra1] }
        plus:
          displayName: Plus 2 TB
          pricePerPeriodCents: 2500
          storageGb: 2000
          providers:
            inmemory: { size: medium, regions: [local, far] }
          clients: [qbittorrent]
        # 2 GB free disk: what a test machine has, yet more than the in-memory host's DISK_TOO_SMALL fault leaves
        own-server:
          displayName: Your server, managed
          pricePerPeriodCents: 400
          storageGb: 2
          ownServer: true
      """;

  /** Short waits: a booting server is polled quickly; pending seedboxes rely on LISTEN/NOTIFY, not on polling. */
  public static final SeedboxTiming TEST_TIMING = new SeedboxTiming(Duration.ofMillis(200), Duration.ofMinutes(1),
      Duration.ofMillis(5), Duration.ofMillis(300), Duration.ofHours(1));

  private final Clock clock;
  private final InMemoryProvider provider;
  private final RecordingProvider recorder;
  private final SeedboxTiming timing;
  private final PostgresDatabase database = new PostgresDatabase(24);
  private OperatorWiring wiring;
  private java.util.function.UnaryOperator<TestSettings> settingsTweak = t -> t;
  private java.util.function.Supplier<HttpsSettings> https = HttpsSettings::off;
  private boolean customerServers;
  private String realCustomerServers;
  private InProcessSshServer ssh;
  private final InMemoryHost customerHost = new InMemoryHost(Duration.ZERO);

  public OperatorFixture() {
    this(Clock.systemUTC(), testProviderOptions(), TEST_TIMING);
  }

  /** The operator runs with these changes to the test settings (Vault, say). */
  public OperatorFixture withSettings(java.util.function.UnaryOperator<TestSettings> tweak) {
    settingsTweak = tweak;
    return this;
  }

  /** The operator runs with HTTPS on (a base domain), as it must with a cloud provider. */
  public OperatorFixture withHttps(HttpsSettings value) {
    https = () -> value;
    return this;
  }

  /**
   * The operator runs with the HTTPS settings {@code value} gives when it starts: an ACME server the test class
   * starts first, whose roots are new on every start.
   */
  public OperatorFixture withHttps(java.util.function.Supplier<HttpsSettings> value) {
    https = value;
    return this;
  }

  /**
   * Customers' own servers too: an in-process SSH server that ByosConnections verify against (loopback is
   * allow-listed), and the in-memory host where the Seedboxes on those servers are managed.
   */
  public OperatorFixture withCustomerServers() {
    customerServers = true;
    return this;
  }

  /**
   * Customers' own servers are real ones at addresses in {@code cidr} (the real-host lane's network namespaces),
   * reached over SSH for the ByosConnection and the Seedboxes alike.
   */
  public OperatorFixture withRealCustomerServers(String cidr) {
    realCustomerServers = cidr;
    return this;
  }

  public OperatorFixture(Clock clock, InMemoryProvider.Options providerOptions, SeedboxTiming timing) {
    this.clock = clock;
    this.provider = new InMemoryProvider(providerOptions);
    this.recorder = new RecordingProvider(provider);
    this.timing = timing;
  }

  /** Servers turn active after 100 ms; a region 'far' does not exist; one attempt per call. */
  public static InMemoryProvider.Options testProviderOptions() {
    return InMemoryProvider.Options.defaults()
        .withActivationDelay(Duration.ofMillis(100))
        .withRegions(Set.of("local"))
        .withRetry(new RetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(1)),
            Sleeper.real());
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    super.beforeAll(context);
    database.create();
    if (customerServers) {
      ssh = InProcessSshServer.start();
      customerHost.addCustomerServer(ssh.host(), ssh.hostKeyFingerprint());
    }
    startOperator();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      stopOperator();
    } finally {
      if (ssh != null) {
        ssh.close();
      }
      database.close();
      super.afterAll(context);
    }
  }

  /** Starts the operator (again, after {@link #stopOperator()}) over the same API, database and provider. */
  public void startOperator() {
    TestSettings settings = TestSettings.settings().https(https.get());
    OperatorWiring.Backends backends = new OperatorWiring.Backends(database.runtime(),
        new ProviderRegistry(List.of(recorder)), timing, customerServers || realCustomerServers != null
            ? CUSTOMER_SERVER_TIMINGS : AccountsWiring.Timings.DEFAULTS, false,
        Map.of(ProviderKind.INMEMORY, provider.host()));
    if (customerServers) {
      settings = settings.sshAllowedAddresses("127.0.0.1/32");
      backends = backends.withCustomerServers(customerHost);
    } else if (realCustomerServers != null) {
      settings = settings.sshAllowedAddresses(realCustomerServers);
    }
    wiring = OperatorWiring.start(settingsTweak.apply(settings).build(), PlanCatalog.parse(PLANS, "test plans"),
        client(), clock, backends);
  }

  /** ByosConnections are verified again every second, so a removed key is noticed quickly. */
  private static final AccountsWiring.Timings CUSTOMER_SERVER_TIMINGS = new AccountsWiring.Timings(
      new ByosConnectionReconciler.Timings(Duration.ofMillis(300), Duration.ofSeconds(1)), Duration.ofMillis(500));

  /** The SSH server ByosConnections verify against ({@link #withCustomerServers()}). */
  public InProcessSshServer ssh() {
    return ssh;
  }

  /** Where Seedboxes on customers' own servers are managed ({@link #withCustomerServers()}). */
  public InMemoryHost customerHost() {
    return customerHost;
  }

  /** Stops the operator as a shutdown would; the API, the database and the provider keep their state. */
  public void stopOperator() {
    if (wiring != null) {
      wiring.close();
      wiring = null;
    }
  }

  public InMemoryProvider provider() {
    return provider;
  }

  /** The host the provider's servers run on: what the operator reaches over the host channel. */
  public InMemoryHost host() {
    return provider.host();
  }

  /** What the operator asked of {@link #provider()}: call counts and create requests with their user data. */
  public RecordingProvider recorder() {
    return recorder;
  }

  public PostgresDatabase database() {
    return database;
  }

  /** The settings tests run with: what production reads from the environment, with test-friendly values. */
  public static OperatorSettings settings() {
    return TestSettings.settings().build();
  }

  public OperatorWiring wiring() {
    return wiring;
  }
}

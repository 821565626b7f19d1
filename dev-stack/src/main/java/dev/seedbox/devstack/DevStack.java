package dev.seedbox.devstack;

import com.zaxxer.hikari.HikariDataSource;
import dev.seedbox.api.plan.PlanCatalog;
import dev.seedbox.billing.BillingApplication;
import dev.seedbox.billing.BillingConfig;
import dev.seedbox.devsupport.EmbeddedKubernetes;
import dev.seedbox.devsupport.SandboxCoinPayPortal;
import dev.seedbox.hostchannel.inmemory.InMemoryHost;
import dev.seedbox.ledger.LedgerModule;
import dev.seedbox.operator.OperatorSettings;
import dev.seedbox.operator.OperatorWiring;
import dev.seedbox.provisioning.ProviderRegistry;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole control plane in one process: embedded PostgreSQL (migrated, two roles), an embedded Kubernetes API with
 * our CRDs, the sandbox payment gateway, the billing-controller, and the operator with the in-memory provider, all
 * on one {@link DevClock}. {@link #close()} stops them in the reverse order: operator, billing-controller, gateway,
 * Kubernetes API, PostgreSQL.
 */
public final class DevStack implements AutoCloseable {

  /** The examples the dev stack applies; {@code examples/cloud} and {@code examples/argocd} need a real cluster. */
  public static final List<String> EXAMPLES =
      List.of("billing-account.yaml", "seedbox.yaml", "byos-connection.yaml", "byos-seedbox.yaml");
  public static final String ACCOUNT = "acme-media";

  private static final Logger LOG = LoggerFactory.getLogger(DevStack.class);

  private final Path root;
  private final Path workDir;
  private final DevClock clock;
  private final Deque<AutoCloseable> running = new ArrayDeque<>();
  private EmbeddedDatabase database;
  private EmbeddedKubernetes kubernetes;
  private HikariDataSource operatorRuntime;
  private HikariDataSource billingRuntime;
  private LedgerModule ledger;
  private SandboxCoinPayPortal gateway;
  private BillingApplication billing;
  private OperatorWiring operator;
  private Homelab homelab;
  private String apiToken;
  private Path kubeconfig;
  private List<HasMetadata> applied = List.of();

  private DevStack(Path root, Path workDir, DevClock clock) {
    this.root = root;
    this.workDir = workDir;
    this.clock = clock;
  }

  /**
   * Starts everything and applies the examples.
   *
   * @param root the repository checkout (holds {@code crds/} and {@code examples/})
   * @param workDir where PostgreSQL's data and the kubeconfig go ({@code .devstack/} for the command)
   */
  public static DevStack start(Path root, Path workDir) {
    DevStack stack = new DevStack(root, workDir, DevClock.system());
    try {
      stack.startAll();
      return stack;
    } catch (RuntimeException | Error e) {
      // whatever started (the homelab's port, PostgreSQL) must not outlive a start that failed half-way
      stack.close();
      throw e;
    }
  }

  private void startAll() {
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    database = EmbeddedDatabase.start(workDir.resolve("postgres"));
    running.push(database);

    kubernetes = EmbeddedKubernetes.start(root.resolve("crds"));
    running.push(kubernetes);
    kubeconfig = kubernetes.writeKubeconfig(workDir.resolve("kubeconfig"));

    billingRuntime = DevStackWiring.runtimeDataSource(database.billingSettings());
    running.push(billingRuntime);
    operatorRuntime = DevStackWiring.runtimeDataSource(database.operatorSettings());
    running.push(operatorRuntime);
    ledger = DevStackWiring.ledger(billingRuntime, clock);

    DevStackWiring.SandboxCredentials credentials = new DevStackWiring.SandboxCredentials(
        "cp_sandbox_" + secret(12), "biz_devstack", "whsec_" + secret(24));
    gateway = new SandboxCoinPayPortal(credentials.apiKey(), credentials.businessId(), credentials.webhookSecret())
        .clock(clock);
    running.push(gateway);

    apiToken = secret(24);
    BillingConfig billingConfig = DevStackWiring.billingConfig(database.billingSettings(), freePort(), apiToken,
        gateway.baseUrl(), credentials);
    billing = DevStackWiring.startBilling(billingConfig, billingRuntime, clock);
    running.push(() -> billing.stop(Duration.ofSeconds(5)));
    gateway.deliverWebhooksTo(billingUrl("/webhooks/coinpayportal"));

    Path plansFile = root.resolve("examples/plans.yaml");
    OperatorSettings operatorSettings = DevStackWiring.operatorSettings(database.operatorSettings(), plansFile,
        freePort());
    PlanCatalog plans = PlanCatalog.load(plansFile);
    ProviderRegistry providers = DevStackWiring.providers(clock);
    InMemoryHost customerServers = new InMemoryHost(DevStackWiring.HOST_LATENCY);
    homelab = Homelab.start(customerServers);
    running.push(homelab);
    operator = DevStackWiring.startOperator(operatorSettings, plans, kubernetes.client(), clock, operatorRuntime,
        providers, customerServers, homelab);
    running.push(operator);

    applied = kubernetes.apply(EXAMPLES.stream().map(name -> root.resolve("examples").resolve(name)).toList());
    LOG.info("dev stack up: applied {} resources from examples/", applied.size());
  }

  /** The sample customer's own server, where the onboarding command is run. */
  Homelab homelab() {
    return homelab;
  }

  public DevClock clock() {
    return clock;
  }

  public EmbeddedKubernetes kubernetes() {
    return kubernetes;
  }

  public EmbeddedDatabase database() {
    return database;
  }

  /** The billing-controller's runtime-role pool (the dev stack's own ledger reads and cycles use it too). */
  public HikariDataSource billingDataSource() {
    return billingRuntime;
  }

  /** The operator's runtime-role pool. */
  public HikariDataSource operatorDataSource() {
    return operatorRuntime;
  }

  public LedgerModule ledger() {
    return ledger;
  }

  public SandboxCoinPayPortal gateway() {
    return gateway;
  }

  /** The running billing-controller: its worker runs the demo's billing cycles. */
  public BillingApplication billing() {
    return billing;
  }

  public URI billingUrl(String path) {
    return URI.create("http://127.0.0.1:" + billing.port() + path);
  }

  public URI operatorUrl(String path) {
    return URI.create("http://127.0.0.1:" + operator.httpPort() + path);
  }

  /** The billing-controller's /v1 bearer token, generated at start. */
  public String apiToken() {
    return apiToken;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  public List<HasMetadata> applied() {
    return applied;
  }

  public OperatorWiring operator() {
    return operator;
  }

  /** Stops everything in reverse start order; each part is stopped even when an earlier one fails to. */
  @Override
  public synchronized void close() {
    while (!running.isEmpty()) {
      AutoCloseable part = running.pop();
      try {
        part.close();
      } catch (Exception e) {
        LOG.warn("stopping {} failed: {}", part.getClass().getSimpleName(), e.toString());
      }
    }
  }

  /** See {@link Checkout#find}. */
  public static Path findRoot(Path start) {
    return Checkout.find(start);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String secret(int bytes) {
    byte[] random = new byte[bytes];
    new SecureRandom().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }
}

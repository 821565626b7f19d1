package dev.seedbox.operator.harness;

import dev.seedbox.api.plan.PlanCatalog;
import dev.seedbox.keys.testing.FakeVault;
import dev.seedbox.keys.testing.InProcessSshServer;
import dev.seedbox.ledger.LedgerModule;
import dev.seedbox.ledger.testing.MutableClock;
import dev.seedbox.ledger.testing.PostgresDatabase;
import dev.seedbox.operator.AccountsWiring;
import dev.seedbox.operator.OperatorSettings;
import dev.seedbox.operator.OperatorWiring;
import dev.seedbox.operator.byos.ByosConnectionReconciler;
import dev.seedbox.operator.seedbox.SeedboxTiming;
import dev.seedbox.provisioning.ProviderRegistry;
import dev.seedbox.provisioning.inmemory.InMemoryProvider;
import dev.seedbox.ledger.schema.RuntimeRoles;
import dev.seedbox.runtime.DatabaseSettings;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The operator in-process with what the BillingAccount and ByosConnection reconcilers need: a fresh PostgreSQL
 * database (one embedded server per JVM), an in-process SSH server on an allow-listed loopback address, a fake Vault,
 * and a {@link MutableClock} shared with the test's own {@link LedgerModule} (to top up and run billing cycles).
 * Short intervals: a 1 s resync (the ledger's LISTEN/NOTIFY source is connected elsewhere) and 1 s SSH retries.
 */
public class AccountsOperatorFixture extends KubernetesApiFixture {

  private final boolean vaultConfigured;
  private final PostgresDatabase database = new PostgresDatabase(4);
  private final MutableClock clock = MutableClock.at("2026-03-01T00:00:00Z");
  private InProcessSshServer ssh;
  private FakeVault vault;
  private LedgerModule ledger;
  private OperatorWiring wiring;

  public AccountsOperatorFixture(boolean vaultConfigured) {
    this.vaultConfigured = vaultConfigured;
  }

  public AccountsOperatorFixture(boolean vaultConfigured,
      java.util.function.Supplier<? extends LeaseGrantingDispatcher> dispatchers) {
    super(dispatchers);
    this.vaultConfigured = vaultConfigured;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    super.beforeAll(context);
    database.create();
    ssh = InProcessSshServer.start();
    vault = FakeVault.start();
    ledger = LedgerModule.create(database.runtime(), clock);
    AccountsWiring.Timings timings = new AccountsWiring.Timings(
        new ByosConnectionReconciler.Timings(Duration.ofMillis(500), Duration.ofSeconds(1)), Duration.ofMillis(500));
    wiring = OperatorWiring.start(settings(), PlanCatalog.parse(OperatorFixture.PLANS, "test plans"), client(), clock,
        new OperatorWiring.Backends(database.runtime(), new ProviderRegistry(List.of(new InMemoryProvider())), SeedboxTiming.defaults(), timings, false));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (wiring != null) {
        wiring.close();
      }
      if (ssh != null) {
        ssh.close();
      }
      if (vault != null) {
        vault.close();
      }
      database.close();
    } finally {
      super.afterAll(context);
    }
  }

  private OperatorSettings settings() {
    TestSettings settings = TestSettings.settings()
        .database(new DatabaseSettings(database.jdbcUrl(PostgresDatabase.RUNTIME_ROLE), PostgresDatabase.RUNTIME_ROLE,
            PostgresDatabase.PASSWORD, "", "", RuntimeRoles.DEFAULTS, 4))
        .withoutLeaderElection().reconcileThreads(4).maxReconcileInterval(Duration.ofSeconds(1))
        .sshAllowedAddresses("127.0.0.1/32");
    return (vaultConfigured ? settings.vault(vault.address(), vault.token()) : settings).build();
  }

  public PostgresDatabase database() {
    return database;
  }

  public LedgerModule ledger() {
    return ledger;
  }

  public MutableClock clock() {
    return clock;
  }

  public Instant now() {
    return clock.instant();
  }

  public InProcessSshServer ssh() {
    return ssh;
  }

  public FakeVault vault() {
    return vault;
  }

  public OperatorWiring wiring() {
    return wiring;
  }

  /** Core v1 Events about one object of the namespace. */
  public List<Event> eventsFor(String namespace, String name) {
    return client().v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }
}

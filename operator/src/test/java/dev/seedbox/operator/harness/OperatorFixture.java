package dev.seedbox.operator.harness;

import dev.seedbox.api.plan.PlanCatalog;
import dev.seedbox.operator.OperatorSettings;
import dev.seedbox.operator.OperatorWiring;
import dev.seedbox.runtime.Command;
import dev.seedbox.runtime.DatabaseSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@link KubernetesApiFixture} plus the operator itself, started in-process through {@link OperatorWiring} (the
 * wiring production uses) with leader election on, {@code exitOnStopLeading} off, and HTTP on a free port.
 *
 * <p>Next session: pass the ledger's DataSource, the in-memory provider and the key store in through
 * {@link #settings()} / the wiring once those modules exist.
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
      """;

  private OperatorWiring wiring;

  @Override
  public void beforeAll(ExtensionContext context) {
    super.beforeAll(context);
    wiring = OperatorWiring.start(settings(), PlanCatalog.parse(PLANS, "test plans"), client(), Clock.systemUTC());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (wiring != null) {
        wiring.close();
      }
    } finally {
      super.afterAll(context);
    }
  }

  /** The settings tests run with: what production reads from the environment, with test-friendly values. */
  public static OperatorSettings settings() {
    DatabaseSettings noDatabaseYet = new DatabaseSettings("jdbc:postgresql://localhost/unused", "", "", "", "",
        DatabaseSettings.DEFAULT_RUNTIME_ROLE, 1);
    return new OperatorSettings(Command.RUN, noDatabaseYet, 0, null, Set.of(), true, LEASE_NAMESPACE, false, 8,
        Duration.ofSeconds(30), Duration.ofMinutes(10),
        new OperatorSettings.ProviderSettings(List.of(dev.seedbox.api.v1alpha1.ProviderKind.INMEMORY), "", null, "",
            null),
        new OperatorSettings.VaultSettings(false, null, "", "secret", "seedbox/byos"), List.of());
  }

  public OperatorWiring wiring() {
    return wiring;
  }
}

package dev.seedbox.operator.harness;

import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.operator.OperatorSettings;
import dev.seedbox.operator.https.HttpsSettings;
import dev.seedbox.provisioning.ProviderFactories;
import dev.seedbox.runtime.Command;
import dev.seedbox.ledger.schema.RuntimeRoles;
import dev.seedbox.runtime.DatabaseSettings;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Builds the {@link OperatorSettings} a test runs with: production's values where the test does not care, with the
 * in-memory provider, HTTP on a free port and a JVM that survives losing the Lease. Name only what the test needs.
 */
public final class TestSettings {

  private DatabaseSettings database = new DatabaseSettings("jdbc:postgresql://localhost/unused", "", "", "", "",
      RuntimeRoles.DEFAULTS, 1);
  private boolean leaderElection = true;
  private String leaseNamespace = OperatorFixture.LEASE_NAMESPACE;
  private int reconcileThreads = 8;
  private Duration maxReconcileInterval = Duration.ofSeconds(30);
  private Duration orphanSweepInterval = Duration.ofMinutes(10);
  private OperatorSettings.VaultSettings vault = new OperatorSettings.VaultSettings(false, null, "", "secret",
      "seedbox/byos");
  private List<String> sshAllowedAddresses = List.of();
  private HttpsSettings https = HttpsSettings.off();
  private OperatorSettings.HostSettings host = OperatorSettings.HostSettings.defaults();

  public static TestSettings settings() {
    return new TestSettings();
  }

  public TestSettings database(DatabaseSettings value) {
    database = value;
    return this;
  }

  /** Leader election off, so no Lease is involved. */
  public TestSettings withoutLeaderElection() {
    leaderElection = false;
    leaseNamespace = "";
    return this;
  }

  public TestSettings reconcileThreads(int value) {
    reconcileThreads = value;
    return this;
  }

  public TestSettings maxReconcileInterval(Duration value) {
    maxReconcileInterval = value;
    return this;
  }

  public TestSettings vault(URI address, String token) {
    vault = new OperatorSettings.VaultSettings(true, address, token, "secret", "seedbox/byos");
    return this;
  }

  public TestSettings sshAllowedAddresses(String... cidrs) {
    sshAllowedAddresses = List.of(cidrs);
    return this;
  }

  /** The servers' keys in Vault (which {@link #vault} configures) instead of Secrets. */
  public TestSettings serverKeysInVault() {
    host = host.withKeysInVault();
    return this;
  }

  public TestSettings https(HttpsSettings value) {
    https = value;
    return this;
  }

  public OperatorSettings build() {
    var inMemory = ProviderFactories.forKind(ProviderKind.INMEMORY).orElseThrow().configure(null);
    return new OperatorSettings(Command.RUN, database, 0, null, Set.of(), leaderElection, leaseNamespace, false,
        reconcileThreads, maxReconcileInterval, orphanSweepInterval,
        new OperatorSettings.ProviderSettings(List.of(ProviderKind.INMEMORY), List.of(inMemory)), vault,
        sshAllowedAddresses, https, host);
  }
}

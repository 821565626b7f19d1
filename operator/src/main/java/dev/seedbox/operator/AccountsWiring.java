package dev.seedbox.operator;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.seedbox.keys.ByosKeys;
import dev.seedbox.keys.key.Ed25519Keys;
import dev.seedbox.keys.store.KubernetesSecretStore;
import dev.seedbox.keys.store.SecretStore;
import dev.seedbox.keys.store.VaultConfig;
import dev.seedbox.keys.store.VaultSecretStore;
import dev.seedbox.keys.verify.AddressPolicy;
import dev.seedbox.keys.verify.Cidr;
import dev.seedbox.keys.verify.SshVerifier;
import dev.seedbox.ledger.LedgerModule;
import dev.seedbox.operator.billing.BillingAccountReconciler;
import dev.seedbox.operator.billing.LedgerChangeHook;
import dev.seedbox.operator.byos.ByosConnectionReconciler;
import dev.seedbox.operator.metrics.OperatorMetrics;
import dev.seedbox.operator.reconcile.EventRecorder;
import dev.seedbox.operator.reconcile.PauseGate;
import dev.seedbox.runtime.DatabaseSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The dependencies of the BillingAccount and ByosConnection reconcilers: the ledger (accounts, BYOS rows, audit) and
 * the BYOS keys (Kubernetes Secret store, Vault when {@code SEEDBOX_VAULT_ADDR} is set, SSH verification under the
 * {@code SEEDBOX_SSH_ALLOWED_ADDRESSES} policy). {@link OperatorWiring} builds it and registers the two reconcilers.
 *
 * <p>It opens its own runtime-role pool from {@link OperatorSettings#database()} until the ledger module is shared
 * with the Seedbox reconciler's wiring; then {@link #create(LedgerModule, ...)} takes the shared one.
 */
public final class AccountsWiring implements AutoCloseable {

  /**
   * How often the two reconcilers look again on their own.
   *
   * @param deletionRecheck how often a held BillingAccount deletion checks whether it may go
   */
  public record Timings(ByosConnectionReconciler.Timings byos, Duration deletionRecheck) {
    public static final Timings DEFAULTS = new Timings(ByosConnectionReconciler.Timings.DEFAULTS,
        Duration.ofSeconds(30));

    public Timings {
      Objects.requireNonNull(byos, "byos");
      Objects.requireNonNull(deletionRecheck, "deletionRecheck");
    }
  }

  private final HikariDataSource ownPool;
  private final BillingAccountReconciler billingAccounts;
  private final ByosConnectionReconciler byosConnections;

  private AccountsWiring(HikariDataSource ownPool, BillingAccountReconciler billingAccounts,
      ByosConnectionReconciler byosConnections) {
    this.ownPool = ownPool;
    this.billingAccounts = billingAccounts;
    this.byosConnections = byosConnections;
  }

  /** Builds the reconcilers over a runtime-role pool of their own, opened from the settings. */
  public static AccountsWiring create(OperatorSettings settings, KubernetesClient client, Clock clock,
      EventRecorder events, PauseGate pauseGate, OperatorMetrics metrics, Timings timings) {
    HikariDataSource pool = lazyRuntimePool(settings.database());
    try {
      return create(LedgerModule.create(pool, clock), pool, settings, client, clock, events, pauseGate, metrics,
          timings);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
  }

  /** Builds the reconcilers over a ledger module someone else owns (and closes). */
  public static AccountsWiring create(LedgerModule ledger, OperatorSettings settings, KubernetesClient client,
      Clock clock, EventRecorder events, PauseGate pauseGate, OperatorMetrics metrics, Timings timings) {
    return create(ledger, null, settings, client, clock, events, pauseGate, metrics, timings);
  }

  private static AccountsWiring create(LedgerModule ledger, HikariDataSource ownPool, OperatorSettings settings,
      KubernetesClient client, Clock clock, EventRecorder events, PauseGate pauseGate, OperatorMetrics metrics,
      Timings timings) {
    BillingAccountReconciler billing = new BillingAccountReconciler(pauseGate, metrics, events, ledger.ledger(),
        ledger.seedboxes(), ledger.audit(), client, clock, timings.deletionRecheck(), LedgerChangeHook.RESYNC_ONLY);
    ByosConnectionReconciler byos = new ByosConnectionReconciler(pauseGate, metrics, events,
        byosKeys(settings, client), ledger.byos(), ledger.audit(), client, clock, timings.byos());
    return new AccountsWiring(ownPool, billing, byos);
  }

  /**
   * A runtime-role pool that connects on first use, so the operator starts (and its other reconcilers run) while
   * PostgreSQL is still coming up; reconciles that need it fail and are retried meanwhile.
   */
  private static HikariDataSource lazyRuntimePool(DatabaseSettings database) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("seedbox-operator-accounts");
    config.setJdbcUrl(database.url());
    config.setUsername(database.user());
    config.setPassword(database.password());
    config.setMaximumPoolSize(database.poolSize());
    config.setMinimumIdle(0);
    config.setInitializationFailTimeout(-1);
    return new HikariDataSource(config);
  }

  /** Kubernetes Secrets always; Vault only when configured; SSH only to addresses the policy allows. */
  public static ByosKeys byosKeys(OperatorSettings settings, KubernetesClient client) {
    List<SecretStore> stores = new ArrayList<>();
    stores.add(new KubernetesSecretStore(client));
    OperatorSettings.VaultSettings vault = settings.vault();
    if (vault.enabled()) {
      stores.add(new VaultSecretStore(new VaultConfig(vault.address(), vault.token(), vault.mount(),
          vault.pathPrefix(), VaultConfig.DEFAULT_TIMEOUT, true)));
    }
    AddressPolicy policy = new AddressPolicy(settings.sshAllowedAddresses().stream().map(Cidr::parse).toList());
    return new ByosKeys(stores, new Ed25519Keys(), new SshVerifier(policy));
  }

  public BillingAccountReconciler billingAccounts() {
    return billingAccounts;
  }

  public ByosConnectionReconciler byosConnections() {
    return byosConnections;
  }

  @Override
  public void close() {
    if (ownPool != null) {
      ownPool.close();
    }
  }
}

package dev.seedbox.operator;

import dev.seedbox.keys.ByosKeys;
import dev.seedbox.keys.key.Ed25519Keys;
import dev.seedbox.keys.store.KubernetesSecretStore;
import dev.seedbox.keys.store.SecretStore;
import dev.seedbox.keys.store.VaultConfig;
import dev.seedbox.keys.store.VaultSecretStore;
import dev.seedbox.keys.verify.AddressPolicy;
import dev.seedbox.keys.verify.Cidr;
import dev.seedbox.keys.verify.HostResolver;
import dev.seedbox.keys.verify.SshVerifier;
import dev.seedbox.ledger.LedgerModule;
import dev.seedbox.operator.billing.BillingAccountReconciler;
import dev.seedbox.operator.billing.LedgerChangeHook;
import dev.seedbox.operator.byos.ByosConnectionReconciler;
import dev.seedbox.operator.metrics.OperatorMetrics;
import dev.seedbox.operator.reconcile.EventRecorder;
import dev.seedbox.operator.reconcile.PauseGate;
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
 */
public final class AccountsWiring {

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

  private final BillingAccountReconciler billingAccounts;
  private final ByosConnectionReconciler byosConnections;

  private AccountsWiring(BillingAccountReconciler billingAccounts, ByosConnectionReconciler byosConnections) {
    this.billingAccounts = billingAccounts;
    this.byosConnections = byosConnections;
  }

  /**
   * Builds the two reconcilers over the operator's ledger module.
   *
   * @param ledgerChanges the LISTEN/NOTIFY event source that wakes a BillingAccount when its ledger account changes
   */
  public static AccountsWiring create(LedgerModule ledger, OperatorSettings settings, KubernetesClient client,
      HostResolver resolver, Clock clock, EventRecorder events, PauseGate pauseGate, OperatorMetrics metrics, Timings timings,
      LedgerChangeHook ledgerChanges) {
    BillingAccountReconciler billing = new BillingAccountReconciler(pauseGate, metrics, events, ledger.ledger(),
        ledger.seedboxes(), ledger.audit(), client, clock, timings.deletionRecheck(), ledgerChanges);
    ByosConnectionReconciler byos = new ByosConnectionReconciler(pauseGate, metrics, events,
        byosKeys(settings, client, resolver), ledger.byos(), ledger.audit(), client, clock, timings.byos());
    return new AccountsWiring(billing, byos);
  }

  /** Kubernetes Secrets always; Vault only when configured; SSH only to addresses the policy allows. */
  public static ByosKeys byosKeys(OperatorSettings settings, KubernetesClient client, HostResolver resolver) {
    List<SecretStore> stores = new ArrayList<>();
    stores.add(new KubernetesSecretStore(client));
    OperatorSettings.VaultSettings vault = settings.vault();
    if (vault.enabled()) {
      stores.add(new VaultSecretStore(new VaultConfig(vault.address(), vault.token(), vault.mount(),
          vault.pathPrefix(), VaultConfig.DEFAULT_TIMEOUT, true)));
    }
    AddressPolicy policy = new AddressPolicy(settings.sshAllowedAddresses().stream().map(Cidr::parse).toList());
    return new ByosKeys(stores, new Ed25519Keys(), new SshVerifier(policy, resolver,
        SshVerifier.DEFAULT_CONNECT_TIMEOUT, SshVerifier.DEFAULT_AUTH_TIMEOUT));
  }

  public BillingAccountReconciler billingAccounts() {
    return billingAccounts;
  }

  public ByosConnectionReconciler byosConnections() {
    return byosConnections;
  }
}

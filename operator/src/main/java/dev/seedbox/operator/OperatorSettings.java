package dev.seedbox.operator;

import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.api.v1alpha1.SecretStoreKind;
import dev.seedbox.keys.store.VaultConfig;
import dev.seedbox.keys.verify.AddressPolicy;
import dev.seedbox.keys.verify.Cidr;
import dev.seedbox.ledger.byos.HostPorts;
import dev.seedbox.operator.https.HttpsSettings;
import dev.seedbox.provisioning.ConfigSource;
import dev.seedbox.provisioning.ProviderFactories;
import dev.seedbox.provisioning.ProviderFactory;
import dev.seedbox.provisioning.ProviderRegistry;
import dev.seedbox.runtime.Command;
import dev.seedbox.runtime.DatabaseSettings;
import dev.seedbox.runtime.Environment;
import java.net.URI;
import java.nio.file.Path;
import dev.seedbox.operator.seedbox.SeedboxTiming;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Everything the operator reads from its environment (docs/configuration.md is the contract for the names), checked
 * in one pass so a broken Deployment shows every problem at once.
 *
 * @param watchNamespaces empty means every namespace
 * @param leaseNamespace blank means the namespace of the client (the pod's own namespace in a cluster)
 * @param exitOnStopLeading true in the process (a replica that lost the Lease must not keep reconciling); tests turn
 *     it off, or losing the lease would end the test JVM. Not an environment variable on purpose.
 */
public record OperatorSettings(
    Command command,
    DatabaseSettings database,
    int httpPort,
    Path planCatalog,
    Set<String> watchNamespaces,
    boolean leaderElection,
    String leaseNamespace,
    boolean exitOnStopLeading,
    int reconcileThreads,
    Duration maxReconcileInterval,
    Duration orphanSweepInterval,
    ProviderSettings providers,
    VaultSettings vault,
    List<String> sshAllowedAddresses,
    HttpsSettings https,
    HostSettings host) {

  public static final String LEASE_NAME = "seedbox-operator";
  /**
   * Provider calls block a reconcile thread for their whole latency (seconds at a cloud API). 256 is the smallest
   * power of two at which 1,000 orders at once with 2 s per provider call (about 6 s of calls each) do not queue on
   * the pool: 6,000 thread-seconds fit in the ~25 s the burst takes to arrive (64 threads took 133 s, 256 43-49 s,
   * 512 no faster; bench/operator/README.md). JOSDK's own default is 50. Idle threads cost a stack, not heap.
   */
  public static final int DEFAULT_RECONCILE_THREADS = 256;

  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  public OperatorSettings {
    watchNamespaces = Set.copyOf(watchNamespaces);
    sshAllowedAddresses = List.copyOf(sshAllowedAddresses);
  }

  /** Reads and checks every variable; throws {@code InvalidConfigurationException} listing all problems. */
  public static OperatorSettings read(Environment env, Command command) {
    DatabaseSettings database = DatabaseSettings.read(env, command);
    int httpPort = env.integer("SEEDBOX_HTTP_PORT", 8080, 1, 65535);
    Path planCatalog = Path.of(env.string("SEEDBOX_PLAN_CATALOG", "/etc/seedbox/plans.yaml"));

    List<String> namespaces = env.list("SEEDBOX_WATCH_NAMESPACES", List.of());
    for (String ns : namespaces) {
      if (!NAMESPACE.matcher(ns).matches() || ns.length() > 63) {
        env.problem("SEEDBOX_WATCH_NAMESPACES must list namespace names separated by commas, found '" + ns + "'");
      }
    }
    boolean leaderElection = env.flag("SEEDBOX_LEADER_ELECTION", true);
    String leaseNamespace = env.string("SEEDBOX_LEADER_ELECTION_NAMESPACE", "");
    if (!leaseNamespace.isEmpty() && !NAMESPACE.matcher(leaseNamespace).matches()) {
      env.problem("SEEDBOX_LEADER_ELECTION_NAMESPACE must be a namespace name, found '" + leaseNamespace + "'");
    }
    int threads = env.integer("SEEDBOX_RECONCILE_THREADS", DEFAULT_RECONCILE_THREADS, 1, 1024);
    Duration maxInterval = env.duration("SEEDBOX_MAX_RECONCILE_INTERVAL", Duration.ofMinutes(2));
    Duration sweep = env.duration("SEEDBOX_ORPHAN_SWEEP_INTERVAL", Duration.ofMinutes(10));

    ProviderSettings providers = ProviderSettings.read(env);
    VaultSettings vault = VaultSettings.read(env);
    HttpsSettings https = HttpsSettings.read(env, providers.enabled());
    HostSettings host = HostSettings.read(env, vault);

    List<String> allowed = env.list("SEEDBOX_SSH_ALLOWED_ADDRESSES", List.of());
    for (String cidr : allowed) {
      if (!cidr.contains("/")) {
        env.problem(AddressPolicy.ALLOWED_ADDRESSES + " must list CIDRs such as 127.0.0.1/32, found '" + cidr + "'");
        continue;
      }
      try {
        Cidr.parse(cidr);
      } catch (IllegalArgumentException e) {
        env.problem(AddressPolicy.ALLOWED_ADDRESSES + ": " + e.getMessage());
      }
    }
    env.check();
    return new OperatorSettings(command, database, httpPort, planCatalog, Set.copyOf(namespaces), leaderElection,
        leaseNamespace, true, threads, maxInterval, sweep, providers, vault, allowed, https, host);
  }

  /** The same settings with a different exit-on-lost-lease behaviour (tests keep their JVM). */
  public OperatorSettings withExitOnStopLeading(boolean exit) {
    return new OperatorSettings(command, database, httpPort, planCatalog, watchNamespaces, leaderElection,
        leaseNamespace, exit, reconcileThreads, maxReconcileInterval, orphanSweepInterval, providers, vault,
        sshAllowedAddresses, https, host);
  }

  /**
   * How the servers are watched over the host channel.
   *
   * @param probeInterval how often an Active seedbox's client is checked (SEEDBOX_PROBE_INTERVAL)
   * @param bootDeadline how long a new server may take until the customer can log in (SEEDBOX_BOOT_DEADLINE)
   * @param keyStore where the servers' private keys are kept (SEEDBOX_SERVER_KEY_STORE): a Secret per Seedbox, or
   *     Vault (which must be configured)
   * @param vaultKeysPrefix the KV path prefix of the servers' keys in Vault (SEEDBOX_VAULT_SERVER_KEYS_PATH_PREFIX)
   * @param customerPorts the ports the clients on customers' own servers get, each Seedbox its own
   *     (SEEDBOX_BYOS_PORT_RANGE)
   */
  public record HostSettings(Duration probeInterval, Duration bootDeadline, SecretStoreKind keyStore,
      String vaultKeysPrefix, HostPorts.PortRange customerPorts) {

    public static final String DEFAULT_VAULT_KEYS_PREFIX = "seedbox/servers";
    public static final String DEFAULT_CUSTOMER_PORTS = "20000-29999";

    public static HostSettings defaults() {
      return new HostSettings(SeedboxTiming.DEFAULT_PROBE_INTERVAL, SeedboxTiming.DEFAULT_BOOT_DEADLINE,
          SecretStoreKind.KUBERNETES, DEFAULT_VAULT_KEYS_PREFIX, HostPorts.PortRange.parse(DEFAULT_CUSTOMER_PORTS));
    }

    /** The same with the servers' keys kept in Vault. */
    public HostSettings withKeysInVault() {
      return new HostSettings(probeInterval, bootDeadline, SecretStoreKind.VAULT, vaultKeysPrefix, customerPorts);
    }

    static HostSettings read(Environment env, VaultSettings vault) {
      Duration probe = env.duration("SEEDBOX_PROBE_INTERVAL", SeedboxTiming.DEFAULT_PROBE_INTERVAL);
      Duration boot = env.duration("SEEDBOX_BOOT_DEADLINE", SeedboxTiming.DEFAULT_BOOT_DEADLINE);
      if (probe.compareTo(Duration.ofSeconds(10)) < 0) {
        env.problem("SEEDBOX_PROBE_INTERVAL must be at least 10s (each probe logs in to every web UI), found "
            + probe);
      }
      if (boot.compareTo(Duration.ofMinutes(1)) < 0) {
        env.problem("SEEDBOX_BOOT_DEADLINE must be at least 1m (a server's first boot takes minutes), found " + boot);
      }
      String store = env.string("SEEDBOX_SERVER_KEY_STORE", SecretStoreKind.KUBERNETES.wireName());
      SecretStoreKind keyStore = SecretStoreKind.KUBERNETES;
      if (store.equals(SecretStoreKind.VAULT.wireName())) {
        keyStore = SecretStoreKind.VAULT;
        if (!vault.enabled()) {
          env.problem("SEEDBOX_SERVER_KEY_STORE=vault needs Vault: set SEEDBOX_VAULT_ADDR and SEEDBOX_VAULT_TOKEN");
        }
      } else if (!store.equals(SecretStoreKind.KUBERNETES.wireName())) {
        env.problem("SEEDBOX_SERVER_KEY_STORE must be kubernetes or vault, found '" + store + "'");
      }
      String prefix = env.string("SEEDBOX_VAULT_SERVER_KEYS_PATH_PREFIX", DEFAULT_VAULT_KEYS_PREFIX);
      if (!prefix.matches("[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*")) {
        env.problem("SEEDBOX_VAULT_SERVER_KEYS_PATH_PREFIX must be path segments of letters, digits, '-' and '_', "
            + "found '" + prefix + "'");
      }
      HostPorts.PortRange ports = HostPorts.PortRange.parse(DEFAULT_CUSTOMER_PORTS);
      String range = env.string("SEEDBOX_BYOS_PORT_RANGE", DEFAULT_CUSTOMER_PORTS);
      try {
        ports = HostPorts.PortRange.parse(range);
      } catch (IllegalArgumentException e) {
        env.problem("SEEDBOX_BYOS_PORT_RANGE: " + e.getMessage());
      }
      return new HostSettings(probe, boot, keyStore, prefix, ports);
    }
  }

  /**
   * Which providers are enabled, each with its settings read by its {@link ProviderFactory} (tokens never appear in
   * {@link #toString()}).
   */
  public record ProviderSettings(List<ProviderKind> enabled, List<ProviderFactory.Configured<?>> configured) {

    public ProviderSettings {
      enabled = List.copyOf(enabled);
      configured = List.copyOf(configured);
    }

    static ProviderSettings read(Environment env) {
      List<ProviderKind> enabled = new ArrayList<>();
      for (String name : env.list("SEEDBOX_PROVIDERS", List.of("digitalocean", "hetzner"))) {
        Arrays.stream(ProviderKind.values())
            .filter(kind -> kind.wireName().equals(name.toLowerCase(Locale.ROOT)))
            .findFirst()
            .ifPresentOrElse(enabled::add, () -> env.problem("SEEDBOX_PROVIDERS must list providers from "
                + Arrays.toString(ProviderKind.values()) + ", found '" + name + "'"));
      }
      if (enabled.isEmpty()) {
        env.problem("SEEDBOX_PROVIDERS must enable at least one provider");
      }
      ConfigSource source = new ConfigSource() {
        @Override
        public String required(String name, String meaning) {
          return env.required(name, meaning);
        }

        @Override
        public URI url(String name, String defaultValue) {
          return env.url(name, defaultValue);
        }

        @Override
        public Duration duration(String name, Duration defaultValue) {
          return env.duration(name, defaultValue);
        }

        @Override
        public void problem(String message) {
          env.problem(message);
        }
      };
      List<ProviderFactory.Configured<?>> configured = enabled.stream().distinct()
          .map(kind -> ProviderFactories.forKind(kind).orElseThrow(() -> new IllegalStateException(
              "no provider factory for " + kind)).configure(source))
          .collect(Collectors.toList());
      return new ProviderSettings(enabled, configured);
    }

    /** Builds the enabled providers from the settings read. */
    public ProviderRegistry registry() {
      return new ProviderRegistry(configured.stream().map(ProviderFactory.Configured::create).toList());
    }
  }

  /** Vault is off unless SEEDBOX_VAULT_ADDR is set. The token never appears in {@link #toString()}. */
  public record VaultSettings(boolean enabled, URI address, String token, String mount, String pathPrefix) {

    static VaultSettings read(Environment env) {
      String mount = env.string("SEEDBOX_VAULT_MOUNT", "secret");
      String prefix = env.string("SEEDBOX_VAULT_PATH_PREFIX", "seedbox/byos");
      if (env.optional("SEEDBOX_VAULT_ADDR").isEmpty()) {
        return new VaultSettings(false, null, "", mount, prefix);
      }
      URI address = env.url("SEEDBOX_VAULT_ADDR", "http://vault.invalid");
      String token = env.required("SEEDBOX_VAULT_TOKEN", "Vault token (SEEDBOX_VAULT_ADDR is set)");
      // the token's absence is reported above already; the rest are the rules VaultConfig enforces
      VaultConfig.problems(address, token.isEmpty() ? "unset" : token, mount, prefix, VaultConfig.DEFAULT_TIMEOUT)
          .forEach(env::problem);
      return new VaultSettings(true, address, token, mount, prefix);
    }

    @Override
    public String toString() {
      return "VaultSettings[enabled=" + enabled + ", address=" + address + ", mount=" + mount
          + ", pathPrefix=" + pathPrefix + "]";
    }
  }
}

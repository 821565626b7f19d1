package dev.seedbox.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.operator.https.HttpsSettings;
import dev.seedbox.provisioning.ProviderFactories;
import dev.seedbox.provisioning.digitalocean.DigitalOceanProvider;
import dev.seedbox.provisioning.inmemory.InMemoryProvider;
import dev.seedbox.runtime.Command;
import dev.seedbox.runtime.Environment;
import dev.seedbox.runtime.InvalidConfigurationException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {

  static Map<String, String> minimal() {
    Map<String, String> env = new HashMap<>();
    env.put("SEEDBOX_DB_URL", "jdbc:postgresql://db:5432/seedbox");
    env.put("SEEDBOX_DB_USER", "seedbox_app");
    env.put("SEEDBOX_DB_PASSWORD", "pw");
    env.put("SEEDBOX_PROVIDERS", "inmemory");
    return env;
  }

  @Test
  void defaultsFollowTheConfigurationReference() {
    OperatorSettings s = OperatorSettings.read(Environment.of(minimal()), Command.RUN);
    assertThat(s.httpPort()).isEqualTo(8080);
    assertThat(s.watchNamespaces()).isEmpty();
    assertThat(s.leaderElection()).isTrue();
    assertThat(s.leaseNamespace()).isEmpty();
    assertThat(s.exitOnStopLeading()).isTrue();
    assertThat(s.reconcileThreads()).isEqualTo(256);
    assertThat(s.maxReconcileInterval()).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.orphanSweepInterval()).isEqualTo(Duration.ofMinutes(10));
    assertThat(s.providers().enabled()).containsExactly(ProviderKind.INMEMORY);
    assertThat(s.vault().enabled()).isFalse();
  }

  @Test
  void readsOperatorVariables() {
    Map<String, String> env = minimal();
    env.put("SEEDBOX_WATCH_NAMESPACES", "team-a, team-b");
    env.put("SEEDBOX_LEADER_ELECTION_NAMESPACE", "seedbox-system");
    env.put("SEEDBOX_RECONCILE_THREADS", "16");
    env.put("SEEDBOX_MAX_RECONCILE_INTERVAL", "PT30S");
    OperatorSettings s = OperatorSettings.read(Environment.of(env), Command.RUN);
    assertThat(s.watchNamespaces()).isEqualTo(Set.of("team-a", "team-b"));
    assertThat(s.leaseNamespace()).isEqualTo("seedbox-system");
    assertThat(s.reconcileThreads()).isEqualTo(16);
    assertThat(s.maxReconcileInterval()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void serverKeysInVaultNeedVaultAndOtherwiseStayInSecrets() {
    assertThat(OperatorSettings.read(Environment.of(minimal()), Command.RUN).host().keyStore())
        .isEqualTo(dev.seedbox.api.v1alpha1.SecretStoreKind.KUBERNETES);

    Map<String, String> env = minimal();
    env.put("SEEDBOX_SERVER_KEY_STORE", "vault");
    assertThatThrownBy(() -> OperatorSettings.read(Environment.of(env), Command.RUN))
        .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
            .anyMatch(p -> p.startsWith("SEEDBOX_SERVER_KEY_STORE=vault needs Vault")));

    env.put("SEEDBOX_VAULT_ADDR", "https://vault.example");
    env.put("SEEDBOX_VAULT_TOKEN", "hvs.test-token");
    OperatorSettings inVault = OperatorSettings.read(Environment.of(env), Command.RUN);
    assertThat(inVault.host().keyStore()).isEqualTo(dev.seedbox.api.v1alpha1.SecretStoreKind.VAULT);
    assertThat(inVault.host().vaultKeysPrefix()).isEqualTo("seedbox/servers");

    env.put("SEEDBOX_SERVER_KEY_STORE", "filesystem");
    env.put("SEEDBOX_VAULT_SERVER_KEYS_PATH_PREFIX", "../etc");
    assertThatThrownBy(() -> OperatorSettings.read(Environment.of(env), Command.RUN))
        .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
            .anyMatch(p -> p.startsWith("SEEDBOX_SERVER_KEY_STORE must be kubernetes or vault"))
            .anyMatch(p -> p.startsWith("SEEDBOX_VAULT_SERVER_KEYS_PATH_PREFIX must be")));
  }

  @Test
  void reportsEveryProblemAtOnceWithoutEchoingSecrets() {
    Map<String, String> env = new HashMap<>();
    env.put("SEEDBOX_RECONCILE_THREADS", "lots");
    env.put("SEEDBOX_MAX_RECONCILE_INTERVAL", "two minutes");
    env.put("SEEDBOX_WATCH_NAMESPACES", "Bad_Namespace");
    env.put("SEEDBOX_PROVIDERS", "digitalocean,linode");
    env.put("SEEDBOX_VAULT_ADDR", "https://vault.example");
    env.put("SEEDBOX_SSH_ALLOWED_ADDRESSES", "127.0.0.1");
    assertThatThrownBy(() -> OperatorSettings.read(Environment.of(env), Command.RUN))
        .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
            .anyMatch(p -> p.startsWith("SEEDBOX_DB_URL"))
            .anyMatch(p -> p.startsWith("SEEDBOX_RECONCILE_THREADS"))
            .anyMatch(p -> p.startsWith("SEEDBOX_MAX_RECONCILE_INTERVAL"))
            .anyMatch(p -> p.startsWith("SEEDBOX_WATCH_NAMESPACES"))
            .anyMatch(p -> p.contains("linode"))
            .anyMatch(p -> p.startsWith("SEEDBOX_DIGITALOCEAN_TOKEN"))
            .anyMatch(p -> p.startsWith("SEEDBOX_VAULT_TOKEN"))
            .anyMatch(p -> p.startsWith("SEEDBOX_SSH_ALLOWED_ADDRESSES")));
  }

  @Test
  void tokensNeverAppearInToString() {
    Map<String, String> env = minimal();
    env.put("SEEDBOX_PROVIDERS", "digitalocean,hetzner");
    env.put("SEEDBOX_BASE_DOMAIN", "seedbox.example.com");
    env.put("SEEDBOX_DIGITALOCEAN_TOKEN", "do-secret-token");
    env.put("SEEDBOX_HETZNER_TOKEN", "hz-secret-token");
    env.put("SEEDBOX_VAULT_ADDR", "https://vault.example");
    env.put("SEEDBOX_VAULT_TOKEN", "vault-secret-token");
    String shown = OperatorSettings.read(Environment.of(env), Command.RUN).toString();
    assertThat(shown).doesNotContain("do-secret-token", "hz-secret-token", "vault-secret-token", "pw");
  }

  @Test
  void theEnabledProvidersAreBuiltOnceEachFromTheValidatedSettings() {
    Map<String, String> env = minimal();
    env.put("SEEDBOX_PROVIDERS", "digitalocean,inmemory,digitalocean");
    env.put("SEEDBOX_BASE_DOMAIN", "seedbox.example.com");
    env.put("SEEDBOX_DIGITALOCEAN_TOKEN", "do-token");
    env.put("SEEDBOX_DIGITALOCEAN_API_URL", "http://127.0.0.1:9/do");
    Environment environment = Environment.of(env);
    OperatorSettings settings = OperatorSettings.read(environment, Command.RUN);
    environment.check();

    var registry = OperatorWiring.Backends.providers(settings);

    assertThat(registry.enabled()).containsExactlyInAnyOrder(ProviderKind.DIGITALOCEAN, ProviderKind.INMEMORY);
    assertThat(registry.get(ProviderKind.DIGITALOCEAN).kind()).isEqualTo(ProviderKind.DIGITALOCEAN);
  }

  @Test
  void theShutdownTimeoutAndTheLostAnswerWindowAreReadAndABadOneIsNamed() {
    Map<String, String> env = minimal();
    env.put("SEEDBOX_PROVIDERS", "digitalocean");
    env.put("SEEDBOX_BASE_DOMAIN", "seedbox.example.com");
    env.put("SEEDBOX_DIGITALOCEAN_TOKEN", "do-token");
    env.put("SEEDBOX_PROVIDER_SHUTDOWN_TIMEOUT", "PT90S");
    env.put("SEEDBOX_PROVIDER_LOST_ANSWER_WINDOW", "PT20M");
    var configured = OperatorSettings.read(Environment.of(env), Command.RUN).providers().configured();
    assertThat(configured).singleElement().extracting(c -> c.settings())
        .isEqualTo(new ProviderFactories.CloudApiSettings(URI.create(DigitalOceanProvider.DEFAULT_API_URL), "do-token",
            Duration.ofSeconds(90), Duration.ofMinutes(20)));

    env.put("SEEDBOX_PROVIDER_SHUTDOWN_TIMEOUT", "a minute");
    assertThatThrownBy(() -> OperatorSettings.read(Environment.of(env), Command.RUN)).isInstanceOfSatisfying(InvalidConfigurationException.class, e ->
        assertThat(e.problems()).anyMatch(p -> p.startsWith("SEEDBOX_PROVIDER_SHUTDOWN_TIMEOUT must be a positive")));
  }

  @Test
  void buildsTheProvidersNamedInSeedboxProviders() {
    Map<String, String> env = minimal();
    env.put("SEEDBOX_PROVIDERS", "digitalocean, inmemory");
    env.put("SEEDBOX_BASE_DOMAIN", "seedbox.example.com");
    env.put("SEEDBOX_DIGITALOCEAN_TOKEN", "dop_v1_secret");
    env.put("SEEDBOX_DIGITALOCEAN_API_URL", "http://127.0.0.1:9999");

    var registry = OperatorSettings.read(Environment.of(env), Command.RUN).providers().registry();

    assertThat(registry.enabled()).containsExactlyInAnyOrder(ProviderKind.DIGITALOCEAN, ProviderKind.INMEMORY);
    assertThat(registry.get(ProviderKind.INMEMORY)).isInstanceOf(InMemoryProvider.class);
    assertThat(registry.find(ProviderKind.HETZNER)).isEmpty();
    assertThatThrownBy(() -> registry.get(ProviderKind.HETZNER)).hasMessageContaining("hetzner is not enabled");
  }

  @Test
  void defaultsToBothCloudsAndReportsEveryProviderProblemWithoutSecretValues() {
    Map<String, String> env = minimal();
    env.remove("SEEDBOX_PROVIDERS");
    env.put("SEEDBOX_BASE_DOMAIN", "seedbox.example.com");
    env.put("SEEDBOX_HETZNER_API_URL", "ftp://x");
    env.put("SEEDBOX_DIGITALOCEAN_TOKEN", "has space");
    assertThatThrownBy(() -> OperatorSettings.read(Environment.of(env), Command.RUN))
        .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> {
          assertThat(e.problems()).hasSize(3);
          assertThat(e.problems()).anyMatch(p -> p.startsWith("SEEDBOX_DIGITALOCEAN_TOKEN: contains whitespace"));
          assertThat(e.problems()).anyMatch(p -> p.startsWith("SEEDBOX_HETZNER_TOKEN is required"));
          assertThat(e.problems())
              .anyMatch(p -> p.startsWith("SEEDBOX_HETZNER_API_URL must be an absolute http(s) URL"));
          assertThat(e.getMessage()).doesNotContain("has space");
        });
  }

  @Test
  void rejectsUnknownProviderNames() {
    Map<String, String> env = minimal();
    env.put("SEEDBOX_PROVIDERS", "aws");
    assertThatThrownBy(() -> OperatorSettings.read(Environment.of(env), Command.RUN))
        .hasMessageContaining("SEEDBOX_PROVIDERS must list providers from").hasMessageContaining("found 'aws'");
  }

  @Test
  void aCloudProviderWithoutABaseDomainIsAStartUpErrorNamingTheVariable() {
    Map<String, String> env = minimal();
    env.put("SEEDBOX_PROVIDERS", "hetzner");
    env.put("SEEDBOX_HETZNER_TOKEN", "hz-token-not-shown");

    assertThatThrownBy(() -> OperatorSettings.read(Environment.of(env), Command.RUN))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("SEEDBOX_BASE_DOMAIN is required when a cloud provider is enabled")
        .hasMessageContaining("[hetzner]");
  }

  @Test
  void httpsIsOffForTheInMemoryProviderAloneAndReadsItsVariablesOtherwise() {
    assertThat(OperatorSettings.read(Environment.of(minimal()), Command.RUN).https().enabled()).isFalse();

    Map<String, String> env = minimal();
    env.put("SEEDBOX_BASE_DOMAIN", "boxes.example.net");
    env.put("SEEDBOX_HOSTNAME_TEMPLATE", "{namespace}.{name}");
    env.put("SEEDBOX_ACME_DIRECTORY", "https://acme-staging-v02.api.letsencrypt.org/directory");
    env.put("SEEDBOX_ACME_EMAIL", "ops@example.net");
    env.put("SEEDBOX_CERTIFICATE_EXPIRY_THRESHOLD", "P21D");
    HttpsSettings https = OperatorSettings.read(Environment.of(env), Command.RUN).https();

    assertThat(https.enabled()).isTrue();
    assertThat(https.hostnames().hostname("box", "team-a", https.baseDomain())).isEqualTo("team-a.box.boxes.example.net");
    assertThat(https.acmeDirectory()).hasHost("acme-staging-v02.api.letsencrypt.org");
    assertThat(https.acmeEmail()).contains("ops@example.net");
    assertThat(https.certificateExpiryThreshold()).isEqualTo(Duration.ofDays(21));
  }

  @Test
  void everyHttpsProblemIsReportedAtOnce() {
    Map<String, String> env = minimal();
    env.put("SEEDBOX_BASE_DOMAIN", "Not A Domain");
    env.put("SEEDBOX_HOSTNAME_TEMPLATE", "{name}");
    env.put("SEEDBOX_ACME_DIRECTORY", "http://acme.example.net/directory");
    env.put("SEEDBOX_ACME_EMAIL", "nobody");

    assertThatThrownBy(() -> OperatorSettings.read(Environment.of(env), Command.RUN))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("SEEDBOX_BASE_DOMAIN must be a lower-case DNS name")
        .hasMessageContaining("SEEDBOX_HOSTNAME_TEMPLATE: the hostname template must contain both {name} and {namespace}")
        .hasMessageContaining("SEEDBOX_ACME_DIRECTORY must be an https URL")
        .hasMessageContaining("SEEDBOX_ACME_EMAIL must be an e-mail address");
  }

  @Test
  void vaultComesFromTheDocumentedVariables() {
    assertThat(OperatorSettings.read(Environment.of(minimal()), Command.RUN).vault().enabled()).isFalse();
    Map<String, String> env = minimal();
    env.put("SEEDBOX_VAULT_ADDR", "https://vault.internal:8200");
    env.put("SEEDBOX_VAULT_TOKEN", "hvs.secret-token");
    env.put("SEEDBOX_VAULT_MOUNT", "kv");
    env.put("SEEDBOX_VAULT_PATH_PREFIX", "seedbox/prod");

    OperatorSettings.VaultSettings vault = OperatorSettings.read(Environment.of(env), Command.RUN).vault();

    assertThat(vault.address()).isEqualTo(java.net.URI.create("https://vault.internal:8200"));
    assertThat(vault.mount()).isEqualTo("kv");
    assertThat(vault.pathPrefix()).isEqualTo("seedbox/prod");
    assertThat(vault.toString()).doesNotContain("hvs.secret-token");
    env.remove("SEEDBOX_VAULT_MOUNT");
    env.remove("SEEDBOX_VAULT_PATH_PREFIX");
    OperatorSettings.VaultSettings defaults = OperatorSettings.read(Environment.of(env), Command.RUN).vault();
    assertThat(defaults.mount()).isEqualTo("secret");
    assertThat(defaults.pathPrefix()).isEqualTo("seedbox/byos");
  }

  @Test
  void badVaultSettingsAndAllowListEntriesAreNamedAtStartUp() {
    Map<String, String> env = minimal();
    env.put("SEEDBOX_VAULT_ADDR", "https://vault.internal:8200");
    env.put("SEEDBOX_VAULT_MOUNT", "a/b");
    env.put("SEEDBOX_VAULT_PATH_PREFIX", "x/../y");
    env.put("SEEDBOX_SSH_ALLOWED_ADDRESSES", "10.0.0.0/33,localhost,10.0.0.0/8");
    assertThatThrownBy(() -> OperatorSettings.read(Environment.of(env), Command.RUN))
        .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems()).containsExactly(
            "SEEDBOX_VAULT_TOKEN is required: Vault token (SEEDBOX_VAULT_ADDR is set)",
            "SEEDBOX_VAULT_MOUNT: expected one path segment of [A-Za-z0-9_.-], found 'a/b'",
            "SEEDBOX_VAULT_PATH_PREFIX: expected segments of [A-Za-z0-9_.-] separated by '/', found 'x/../y'",
            "SEEDBOX_SSH_ALLOWED_ADDRESSES: expected a prefix length 0..32 for 10.0.0.0, found 33",
            "SEEDBOX_SSH_ALLOWED_ADDRESSES must list CIDRs such as 127.0.0.1/32, found 'localhost'"));
  }
}

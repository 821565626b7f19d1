package dev.seedbox.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.runtime.Command;
import dev.seedbox.runtime.Environment;
import dev.seedbox.runtime.InvalidConfigurationException;
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
    env.put("SEEDBOX_DIGITALOCEAN_TOKEN", "do-token");
    env.put("SEEDBOX_DIGITALOCEAN_API_URL", "http://127.0.0.1:9/do");
    Environment environment = Environment.of(env);
    OperatorSettings settings = OperatorSettings.read(environment, Command.RUN);
    environment.check();

    var registry = OperatorWiring.Backends.providers(settings);

    assertThat(registry.enabled()).containsExactlyInAnyOrder(ProviderKind.DIGITALOCEAN, ProviderKind.INMEMORY);
    assertThat(registry.get(ProviderKind.DIGITALOCEAN).kind()).isEqualTo(ProviderKind.DIGITALOCEAN);
  }
}

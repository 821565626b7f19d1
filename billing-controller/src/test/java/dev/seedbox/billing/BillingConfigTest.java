package dev.seedbox.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seedbox.runtime.Command;
import dev.seedbox.runtime.Environment;
import dev.seedbox.runtime.InvalidConfigurationException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BillingConfigTest {

  private static final Map<String, String> DB = Map.of(
      "SEEDBOX_DB_URL", "jdbc:postgresql://db:5432/seedbox", "SEEDBOX_DB_USER", "app", "SEEDBOX_DB_PASSWORD", "pw");

  /** The database settings, every required secret, and {@code more}. */
  private static Map<String, String> withSecrets(Map<String, String> more) {
    Map<String, String> env = new java.util.HashMap<>(DB);
    env.put("SEEDBOX_API_TOKEN", "a-long-enough-api-token");
    env.put("SEEDBOX_COINPAYPORTAL_API_KEY", "cp_live_secret");
    env.put("SEEDBOX_COINPAYPORTAL_BUSINESS_ID", "biz_1");
    env.put("SEEDBOX_COINPAYPORTAL_WEBHOOK_SECRET", "whsec_secret");
    env.putAll(more);
    return env;
  }

  @Test
  void reportsEveryMissingSecretAtOnceWithoutEchoingValues() {
    Environment env = Environment.of(new java.util.HashMap<>(DB) {{
        put("SEEDBOX_API_TOKEN", "short-secret");
        put("SEEDBOX_WEBHOOK_MAX_BYTES", "lots");
        put("SEEDBOX_DB_POOL_SIZE", "4");
        put("SEEDBOX_WEBHOOK_WRITERS", "4");
      }});
    BillingConfig.read(env, Command.RUN);

    assertThatThrownBy(env::check).isInstanceOfSatisfying(InvalidConfigurationException.class, e -> {
      assertThat(e.problems()).anyMatch(p -> p.startsWith("SEEDBOX_COINPAYPORTAL_API_KEY is required"));
      assertThat(e.problems()).anyMatch(p -> p.startsWith("SEEDBOX_COINPAYPORTAL_BUSINESS_ID is required"));
      assertThat(e.problems()).anyMatch(p -> p.startsWith("SEEDBOX_COINPAYPORTAL_WEBHOOK_SECRET is required"));
      assertThat(e.problems()).anyMatch(p -> p.startsWith("SEEDBOX_API_TOKEN must be at least"));
      assertThat(e.problems()).anyMatch(p -> p.startsWith("SEEDBOX_WEBHOOK_MAX_BYTES"));
      assertThat(e.problems()).contains("SEEDBOX_WEBHOOK_WRITERS must be below SEEDBOX_DB_POOL_SIZE (4), found 4");
    }).hasMessageNotContaining("short-secret");
  }

  @Test
  void readsDefaultsAndKeepsSecretsOutOfToString() {
    Environment env = Environment.of(withSecrets(Map.of()));
    BillingConfig config = BillingConfig.read(env, Command.RUN);
    env.check();

    assertThat(config.webhookMaxBytes()).isEqualTo(65536);
    assertThat(config.webhookWriters()).isEqualTo(2);
    assertThat(config.gatewayTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.gatewayUrl().toString()).isEqualTo("https://coinpayportal.com");
    assertThat(config.webhookSecretPrevious()).isEmpty();
    assertThat(config.toString()).doesNotContain("cp_live_secret", "whsec_secret", "a-long-enough-api-token", "pw");
  }

  @Test
  void migrateNeedsOnlyTheSchemaOwner() {
    Environment env = Environment.of(Map.of("SEEDBOX_DB_URL", "jdbc:postgresql://db/seedbox",
        "SEEDBOX_DB_OWNER_USER", "owner", "SEEDBOX_DB_OWNER_PASSWORD", "pw"));
    BillingConfig.read(env, Command.MIGRATE);
    env.check();
  }

  @Test
  void theDrainBudgetMustOutlastAGatewayCall() {
    Environment env = Environment.of(withSecrets(Map.of("SEEDBOX_DRAIN_BUDGET", "PT5S",
        "SEEDBOX_PAYMENT_POLL_RATE", "120")));
    BillingConfig.read(env, Command.RUN);

    assertThatThrownBy(env::check).isInstanceOfSatisfying(InvalidConfigurationException.class, e -> {
      assertThat(e.problems()).anyMatch(p -> p.startsWith("SEEDBOX_DRAIN_BUDGET must be longer than"));
      assertThat(e.problems()).anyMatch(p -> p.startsWith("SEEDBOX_PAYMENT_POLL_RATE must be a whole number from 1 to 90"));
    });
  }

  @Test
  void theDrainBudgetDefaultsBelowKubernetesDefaultGrace() {
    Environment env = Environment.of(withSecrets(Map.of()));
    BillingConfig config = BillingConfig.read(env, Command.RUN);
    env.check();

    assertThat(config.drainBudget()).isLessThan(Duration.ofSeconds(30)).isGreaterThan(config.gatewayTimeout());
    assertThat(config.poll().requestsPerMinute()).isLessThan(100);
  }
}

package dev.seedbox.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentTest {

  @Test
  void reportsEveryProblemAtOnceOneLineEach() {
    Environment env = Environment.of(Map.of(
        "SEEDBOX_HTTP_PORT", "http",
        "SEEDBOX_BILLING_INTERVAL", "5 minutes",
        "SEEDBOX_LEADER_ELECTION", "yes",
        "SEEDBOX_COINPAYPORTAL_API_URL", "ftp://gateway"));
    env.required("SEEDBOX_API_TOKEN", "bearer token for /v1");
    env.integer("SEEDBOX_HTTP_PORT", 8080, 1, 65535);
    env.duration("SEEDBOX_BILLING_INTERVAL", Duration.ofMinutes(5));
    env.flag("SEEDBOX_LEADER_ELECTION", true);
    env.url("SEEDBOX_COINPAYPORTAL_API_URL", "https://coinpayportal.com");

    assertThatThrownBy(env::check)
        .isInstanceOf(InvalidConfigurationException.class)
        .satisfies(e -> assertThat(((InvalidConfigurationException) e).problems()).containsExactly(
            "SEEDBOX_API_TOKEN is required: bearer token for /v1",
            "SEEDBOX_HTTP_PORT must be a whole number from 1 to 65535, found 'http'",
            "SEEDBOX_BILLING_INTERVAL must be a positive ISO-8601 duration such as PT5M, found '5 minutes'",
            "SEEDBOX_LEADER_ELECTION must be true or false, found 'yes'",
            "SEEDBOX_COINPAYPORTAL_API_URL must be an absolute http(s) URL, found 'ftp://gateway'"));
  }

  @Test
  void neverEchoesTheValueOfASecretVariable() {
    Environment env = Environment.of(Map.of("SEEDBOX_VAULT_TOKEN_TTL", "s3cr3t-hvs-value"));
    env.duration("SEEDBOX_VAULT_TOKEN_TTL", Duration.ofMinutes(1));

    assertThatThrownBy(env::check)
        .hasMessageContaining("SEEDBOX_VAULT_TOKEN_TTL")
        .hasMessageNotContaining("s3cr3t");
  }

  @Test
  void defaultsApplyWhenUnsetOrBlankAndValidValuesAreRead() {
    Environment env = Environment.of(Map.of(
        "SEEDBOX_DB_POOL_SIZE", "  ",
        "SEEDBOX_RECONCILE_THREADS", "48",
        "SEEDBOX_ORPHAN_SWEEP_INTERVAL", "pt30s",
        "SEEDBOX_PROVIDERS", "digitalocean, ,hetzner"));

    assertThat(env.integer("SEEDBOX_DB_POOL_SIZE", 10, 1, 200)).isEqualTo(10);
    assertThat(env.integer("SEEDBOX_RECONCILE_THREADS", 64, 1, 1000)).isEqualTo(48);
    assertThat(env.duration("SEEDBOX_ORPHAN_SWEEP_INTERVAL", Duration.ofMinutes(10))).isEqualTo(Duration.ofSeconds(30));
    assertThat(env.list("SEEDBOX_PROVIDERS", List.of())).containsExactly("digitalocean", "hetzner");
    assertThat(env.flag("SEEDBOX_LEADER_ELECTION", true)).isTrue();
    env.check();
  }

  @Test
  void databaseSettingsAskForTheRoleTheCommandNeedsAndHidePasswords() {
    Environment forRun = Environment.of(Map.of(
        "SEEDBOX_DB_URL", "jdbc:postgresql://db:5432/seedbox",
        "SEEDBOX_DB_USER", "seedbox_app",
        "SEEDBOX_DB_PASSWORD", "runtime-pass"));
    DatabaseSettings settings = DatabaseSettings.read(forRun, Command.RUN);
    forRun.check();
    assertThat(settings.toString()).doesNotContain("runtime-pass").contains("seedbox_app");

    Environment forMigrate = Environment.of(Map.of("SEEDBOX_DB_URL", "mysql://db"));
    DatabaseSettings.read(forMigrate, Command.MIGRATE);
    assertThatThrownBy(forMigrate::check)
        .satisfies(e -> assertThat(((InvalidConfigurationException) e).problems()).containsExactly(
            "SEEDBOX_DB_URL must start with jdbc:postgresql:, found 'mysql://db'",
            "SEEDBOX_DB_OWNER_USER is required: the schema owner role that runs migrations",
            "SEEDBOX_DB_OWNER_PASSWORD is required: the schema owner's password"));
  }

  @Test
  void commandIsRunByDefaultAndRejectsAnythingElse() {
    assertThat(Command.parse(new String[0])).isEqualTo(Command.RUN);
    assertThat(Command.parse(new String[] {"migrate"})).isEqualTo(Command.MIGRATE);
    assertThat(Command.parse(new String[] {"verify"})).isEqualTo(Command.VERIFY);
    assertThatThrownBy(() -> Command.parse(new String[] {"serve"}))
        .hasMessageContaining("usage: [run | migrate | verify]");
  }
}

package dev.seedbox.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VaultValuesTest {

  @Test
  void vaultIsOffByDefault() {
    RenderedChart chart = RenderedChart.defaults();

    assertThat(RenderedChart.env(chart.container("Deployment", "seedbox-operator")).keySet())
        .noneMatch(name -> name.startsWith("SEEDBOX_VAULT_"));
  }

  @Test
  void enablingVaultConfiguresTheOperatorWithATokenFromTheVaultSecret() {
    RenderedChart chart = RenderedChart.with("vault.yaml");
    Map<String, JsonNode> env = RenderedChart.env(chart.container("Deployment", "seedbox-operator"));

    assertThat(env.get("SEEDBOX_VAULT_ADDR").path("value").asText()).isEqualTo("https://vault.vault.svc:8200");
    assertThat(env.get("SEEDBOX_VAULT_MOUNT").path("value").asText()).isEqualTo("kv");
    assertThat(env.get("SEEDBOX_VAULT_PATH_PREFIX").path("value").asText()).isEqualTo("seedbox/prod/byos");
    JsonNode token = env.get("SEEDBOX_VAULT_TOKEN");
    assertThat(token.has("value")).isFalse();
    assertThat(token.path("valueFrom").path("secretKeyRef").path("name").asText()).isEqualTo("seedbox-vault");
    assertThat(token.path("valueFrom").path("secretKeyRef").path("key").asText()).isEqualTo("token");
  }

  @Test
  void onlyTheOperatorTalksToVault() {
    RenderedChart chart = RenderedChart.with("vault.yaml");

    assertThat(RenderedChart.env(chart.container("Deployment", "seedbox-billing")).keySet())
        .noneMatch(name -> name.startsWith("SEEDBOX_VAULT_"));
  }
}

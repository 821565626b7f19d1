package dev.seedbox.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.provisioning.http.CloudTuning;
import dev.seedbox.provisioning.inmemory.InMemoryProvider;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryAndRefsTest {

  private static ProviderRegistry registry(Map<String, String> env) {
    return ProviderRegistry.fromEnvironment(env, CloudTuning.defaults(), InMemoryProvider.Options.defaults());
  }

  @Test
  void buildsTheProvidersNamedInSeedboxProviders() {
    ProviderRegistry registry = registry(Map.of(
        "SEEDBOX_PROVIDERS", "digitalocean, inmemory",
        "SEEDBOX_DIGITALOCEAN_TOKEN", "dop_v1_secret",
        "SEEDBOX_DIGITALOCEAN_API_URL", "http://127.0.0.1:9999"));

    assertThat(registry.enabled()).containsExactlyInAnyOrder(ProviderKind.DIGITALOCEAN, ProviderKind.INMEMORY);
    assertThat(registry.get(ProviderKind.INMEMORY)).isInstanceOf(InMemoryProvider.class);
    assertThat(registry.find(ProviderKind.HETZNER)).isEmpty();
    assertThatThrownBy(() -> registry.get(ProviderKind.HETZNER)).hasMessageContaining("hetzner is not enabled");
  }

  @Test
  void defaultsToBothCloudsAndReportsEveryProblemWithoutSecretValues() {
    assertThatThrownBy(() -> registry(Map.of("SEEDBOX_HETZNER_API_URL", "ftp://x", "SEEDBOX_DIGITALOCEAN_TOKEN",
        "has space")))
        .isInstanceOfSatisfying(InvalidProviderConfigurationException.class, e -> {
          assertThat(e.problems()).hasSize(3);
          assertThat(e.problems()).anyMatch(p -> p.startsWith("SEEDBOX_DIGITALOCEAN_TOKEN: contains whitespace"));
          assertThat(e.problems()).anyMatch(p -> p.startsWith("SEEDBOX_HETZNER_TOKEN: required"));
          assertThat(e.problems()).anyMatch(p -> p.startsWith("SEEDBOX_HETZNER_API_URL: expected an http(s) URL"));
          assertThat(e.getMessage()).doesNotContain("has space");
        });
  }

  @Test
  void rejectsUnknownProviderNames() {
    assertThatThrownBy(() -> registry(Map.of("SEEDBOX_PROVIDERS", "aws")))
        .hasMessageContaining("SEEDBOX_PROVIDERS: unknown provider 'aws'");
  }

  @Test
  void serverRefsRoundTripWith64BitIds() {
    ServerRef ref = ServerRef.parse("digitalocean:5000000000");
    assertThat(ref).isEqualTo(new ServerRef(ProviderKind.DIGITALOCEAN, 5_000_000_000L));
    assertThat(ref.toString()).isEqualTo("digitalocean:5000000000");
    assertThatThrownBy(() -> ServerRef.parse("aws:1")).hasMessageContaining("unknown provider 'aws'");
    assertThatThrownBy(() -> ServerRef.parse("hetzner:abc")).hasMessageContaining("numeric server id");
  }

  @Test
  void createRequestKeepsUserDataOutOfItsTextAndRejectsUidsTagsCannotHold() {
    CreateRequest request = new CreateRequest("0b5a-11", "s", "r",
        dev.seedbox.api.v1alpha1.TorrentClient.QBITTORRENT, "secret-hash-here");
    assertThat(request.toString()).doesNotContain("secret-hash-here");
    assertThatThrownBy(() -> new CreateRequest("a b", "s", "r",
        dev.seedbox.api.v1alpha1.TorrentClient.QBITTORRENT, "")).hasMessageContaining("Seedbox UID");
  }
}

package dev.seedbox.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.provisioning.inmemory.InMemoryProvider;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryAndRefsTest {

  @Test
  void findsEnabledProvidersAndNamesThemWhenOneIsMissing() {
    ProviderRegistry registry = new ProviderRegistry(
        List.of(new InMemoryProvider(InMemoryProvider.Options.defaults())));

    assertThat(registry.enabled()).containsExactly(ProviderKind.INMEMORY);
    assertThat(registry.find(ProviderKind.HETZNER)).isEmpty();
    assertThatThrownBy(() -> registry.get(ProviderKind.HETZNER)).hasMessageContaining("hetzner is not enabled");
    assertThatThrownBy(() -> new ProviderRegistry(List.of(new InMemoryProvider(InMemoryProvider.Options.defaults()),
        new InMemoryProvider(InMemoryProvider.Options.defaults())))).hasMessageContaining("two providers for inmemory");
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

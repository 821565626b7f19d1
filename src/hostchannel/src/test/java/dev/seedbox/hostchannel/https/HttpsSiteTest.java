package dev.seedbox.hostchannel.https;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HttpsSiteTest {

  private static final URI DIRECTORY = URI.create("https://acme.example.net/directory");

  @Test
  void theArgumentsAreTheSlotsAndTheSitesWithoutEmptyOptionalOnes() {
    HttpsSite site = new HttpsSite("box-team.seedbox.example.com", 8080, DIRECTORY, Optional.empty(),
        Optional.empty());

    assertThat(site.args(Map.of("slot", "sb-abcd", "client", "qbittorrent"))).isEqualTo(Map.of("slot", "sb-abcd",
        "client", "qbittorrent", "hostname", "box-team.seedbox.example.com", "webUiPort", 8080,
        "acmeDirectory", "https://acme.example.net/directory"));
    assertThat(site.webUiUrl()).isEqualTo(URI.create("https://box-team.seedbox.example.com/"));
  }

  @Test
  void aHostnameThatCouldCarryCaddyfileTextIsRefusedBeforeItLeavesTheOperator() {
    assertThatThrownBy(() -> new HttpsSite("box.example.com {\n}", 8080, DIRECTORY, Optional.empty(),
        Optional.empty())).hasMessageContaining("DNS name");
    assertThatThrownBy(() -> new HttpsSite("Box.Example.com", 8080, DIRECTORY, Optional.empty(), Optional.empty()))
        .hasMessageContaining("DNS name");
    assertThatThrownBy(() -> new HttpsSite("box.example.com", 80, DIRECTORY, Optional.empty(), Optional.empty()))
        .hasMessageContaining("port");
    assertThatThrownBy(() -> new HttpsSite("box.example.com", 8080, URI.create("http://acme.example.net/dir"),
        Optional.empty(), Optional.empty())).hasMessageContaining("https");
  }
}

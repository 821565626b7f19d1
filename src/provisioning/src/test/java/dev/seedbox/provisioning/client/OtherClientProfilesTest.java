package dev.seedbox.provisioning.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.api.v1alpha1.TorrentClient;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the Transmission, Deluge and rTorrent profiles tell the control plane. Their logins are the web UI clients'
 * (TransmissionRpc, DelugeWebUi, FloodWebUi), tested against the wire formats in the host channel and against the
 * real clients in the real-host lane.
 */
class OtherClientProfilesTest {

  @Test
  void everyClientTheSchemaOffersShipsWithAProfileNamedAsTheHostScriptNamesIt() {
    TorrentClientProfiles shipped = TorrentClientProfiles.shipped();
    assertThat(shipped.installable()).isEqualTo(EnumSet.allOf(TorrentClient.class));
    for (TorrentClient client : TorrentClient.values()) {
      TorrentClientProfile profile = shipped.get(client);
      assertThat(profile.kind()).isEqualTo(client);
      assertThat(profile.hostScriptName()).isEqualTo(client.wireName());
      assertThat(profile.ports().get(0).number()).as("%s: the web UI first", client).isEqualTo(profile.webUiPort());
      assertThat(profile.ports()).as("%s: a BitTorrent port besides the web UI", client)
          .anyMatch(p -> p.number() != profile.webUiPort());
      assertThat(profile.ports()).noneMatch(p -> p.number() == 22);
      assertThat(profile.debianPackages()).contains(profile.debianPackage());
    }
  }

  @Test
  void transmissionIsTheDaemonWithItsWebUiBesideItsRpc() {
    TransmissionProfile profile = new TransmissionProfile();
    assertThat(profile.debianPackages()).containsExactly("transmission-daemon");
    assertThat(profile.webUiPort()).isEqualTo(9091);
    assertThat(profile.webUiUrl("203.0.113.7")).isEqualTo(URI.create("http://203.0.113.7:9091/transmission/web/"));
  }

  @Test
  void delugeIsTheDaemonAndItsWebUi() {
    DelugeProfile profile = new DelugeProfile();
    assertThat(profile.debianPackages()).containsExactly("deluged", "deluge-web");
    assertThat(profile.webUiUrl("203.0.113.7")).isEqualTo(URI.create("http://203.0.113.7:8112/"));
  }

  @Test
  void rtorrentComesWithWhatFloodRunsOnAndOpensNoScgiPort() {
    RtorrentProfile profile = new RtorrentProfile();
    assertThat(profile.debianPackages()).containsExactly("rtorrent", "nodejs", "npm", "python3-argon2");
    assertThat(profile.ports()).extracting(TorrentClientProfile.Port::purpose)
        .noneMatch(purpose -> purpose.contains("SCGI"));
    assertThat(profile.ports()).extracting(TorrentClientProfile.Port::number)
        .containsExactlyElementsOf(List.of(3000, 6881, 6881));
  }
}

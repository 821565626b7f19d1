package dev.seedbox.hostchannel.realhost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.hostchannel.webui.TransmissionRpc;
import dev.seedbox.hostchannel.webui.WebUiLogin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;

/** The host contract for transmission-daemon from Debian's package, logged in to through its RPC. */
class TransmissionLaneTest extends ClientLane {

  private static final TransmissionRpc RPC = new TransmissionRpc(HTTP, LOGIN_TIMEOUT);

  @BeforeAll
  static void startServer() {
    startServer(List.of("/usr/bin/transmission-daemon"), List.of("transmission-daemon"));
  }

  @Override
  protected String client() {
    return "transmission";
  }

  @Override
  protected WebUiLogin webUi() {
    return RPC;
  }

  @Override
  protected void assertClientSpecifics(String slot, int webUiPort, int listenPort, String password) throws Exception {
    Path settings = NetnsHost.dataDirectory(slot).resolve(".config/transmission-daemon/settings.json");
    assertThat(Files.readString(settings)).containsPattern("\"rpc-password\": ?\"\\{[0-9a-f]{40}[0-9A-Za-z./]{8}\"")
        .containsPattern("\"rpc-authentication-required\": ?true");
    assertThat(tcpListeners("transmission-da")).containsExactly(webUiPort, listenPort);
  }
}

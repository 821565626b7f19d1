package dev.seedbox.hostchannel.realhost;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.seedbox.hostchannel.webui.DelugeWebUi;
import dev.seedbox.hostchannel.webui.WebUiLogin;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.BeforeAll;

/**
 * The host contract for Deluge from Debian's packages (deluged with deluge-web), logged in to through the web
 * JSON-RPC.
 */
class DelugeLaneTest extends ClientLane {

  private static final DelugeWebUi WEB_UI = new DelugeWebUi(HTTP, LOGIN_TIMEOUT);

  @BeforeAll
  static void startServer() {
    startServer(List.of("/usr/bin/deluged", "/usr/bin/deluge-web"), List.of("deluged", "deluge-web"));
  }

  @Override
  protected String client() {
    return "deluge";
  }

  @Override
  protected WebUiLogin webUi() {
    return WEB_UI;
  }

  @Override
  protected void assertClientSpecifics(String slot, int webUiPort, int listenPort, String password) throws Exception {
    Path config = NetnsHost.dataDirectory(slot).resolve(".config/deluge");
    assertThat(Files.readString(config.resolve("web.conf"))).containsPattern("\"pwd_sha1\": ?\"[0-9a-f]{40}\"")
        .doesNotContain("c26ab3bbd8b137f99cd83c2c1c0963bcc1a35cad");
    assertThat(Files.readString(config.resolve("auth"))).matches("localclient:[0-9a-f]{40}:10\n");
    int daemonPort = new ObjectMapper().readTree(Path.of("/etc/seedbox/slots", slot + ".json").toFile())
        .path("ports").path("daemon port").asInt();
    // the daemon takes UI connections on loopback only: from outside the server its port is closed
    assertThat(tcpListeners("deluged")).contains(daemonPort, listenPort).doesNotContain(webUiPort);
    assertThat(NetnsHost.exec(List.of("ip", "netns", "exec", host.namespace, "ss", "-Hltn",
        "sport = :" + daemonPort))).contains("127.0.0.1:" + daemonPort).doesNotContain("0.0.0.0:" + daemonPort);
    try (Socket socket = new Socket()) {
      Assertions.assertThatThrownBy(() -> socket.connect(new InetSocketAddress(address(), daemonPort), 2000))
          .isInstanceOf(IOException.class);
    }
    assertThat(tcpListeners("deluge-web")).containsExactly(webUiPort);
  }
}

package dev.seedbox.hostchannel.realhost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.hostchannel.HostScript;
import dev.seedbox.hostchannel.webui.FloodWebUi;
import dev.seedbox.hostchannel.webui.WebUiLogin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;

/**
 * The host contract for rTorrent from Debian's package with Flood, its web UI, logged in to through Flood's API.
 *
 * <p>The lane's servers have no route out of their namespace, so Flood is installed before the server starts, by
 * the host script's own installer (npm from the registry) run on this machine, whose file system the servers share;
 * everything else is installed over the host channel as on a real server.
 */
class RtorrentLaneTest extends ClientLane {

  private static final FloodWebUi FLOOD = new FloodWebUi(HTTP, LOGIN_TIMEOUT);

  @BeforeAll
  static void startServer() {
    NetnsHost.requireLane("REAL-HOST LANE", NetnsHost.unavailable(List.of("/usr/bin/rtorrent", "/usr/bin/node",
        "/usr/bin/npm"), List.of("rtorrent", "nodejs", "npm", "python3-argon2")));
    installFlood();
    startServer(List.of("/usr/bin/rtorrent"), List.of("rtorrent"));
  }

  /** The host script's own Flood installer, run here where the npm registry can be reached. */
  private static void installFlood() {
    Path script;
    try {
      script = Files.createTempFile("seedbox-host-", ".py");
      Files.writeString(script, HostScript.text());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    NetnsHost.exec(List.of("/usr/bin/python3", "-c", String.join("\n",
        "import importlib.machinery, importlib.util, sys",
        "loader = importlib.machinery.SourceFileLoader('seedbox_host', sys.argv[1])",
        "spec = importlib.util.spec_from_loader('seedbox_host', loader)",
        "script = importlib.util.module_from_spec(spec)",
        "loader.exec_module(script)",
        "script.ensure_flood()"), script.toString()));
  }

  @Override
  protected String client() {
    return "rtorrent";
  }

  @Override
  protected WebUiLogin webUi() {
    return FLOOD;
  }

  @Override
  protected void assertClientSpecifics(String slot, int webUiPort, int listenPort, String password) throws Exception {
    Path home = NetnsHost.dataDirectory(slot);
    assertThat(Files.readString(home.resolve(".flood/db/users.db"))).containsPattern("\"password\": ?\"\\$argon2id\\$");
    // SCGI on the slot's Unix socket, never a network port: rTorrent's only TCP listener is BitTorrent's
    assertThat(home.resolve(".rtorrent/scgi.socket")).exists();
    assertThat(NetnsHost.exec(List.of("stat", "-c", "%F %U %a", home.resolve(".rtorrent/scgi.socket").toString()))
        .strip()).isEqualTo("socket " + slot + " 600");
    assertThat(tcpListeners("rtorrent")).containsExactly(listenPort);
    assertThat(tcpListeners("node")).containsExactly(webUiPort);
  }
}

package dev.seedbox.hostchannel.webui;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TransmissionRpc against a real transmission-daemon from the Debian package, configured the way the host does. */
class TransmissionRpcTest {

  private static final String DAEMON = "/usr/bin/transmission-daemon";
  private static final TransmissionRpc RPC = new TransmissionRpc(HttpClient.newHttpClient(), Duration.ofSeconds(5));

  @TempDir
  static Path home;
  private static Process daemon;
  private static URI webUi;

  @BeforeAll
  static void startDaemon() throws Exception {
    if (!Files.isExecutable(Path.of(DAEMON))) {
      String banner = "\n!!!! TransmissionRpcTest NOT RUN: " + DAEMON + " is missing (apt-get install transmission-daemon) !!!!\n";
      System.err.println(banner);
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException(banner);
      }
      Assumptions.abort(banner);
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path config = Files.createDirectories(home.resolve("config"));
    // A plain rpc-password written while the daemon is stopped: the daemon hashes it itself at start.
    Files.writeString(config.resolve("settings.json"), """
        {
          "rpc-enabled": true,
          "rpc-bind-address": "127.0.0.1",
          "rpc-port": %d,
          "rpc-authentication-required": true,
          "rpc-username": "customer",
          "rpc-password": "right horse battery",
          "rpc-whitelist-enabled": true,
          "rpc-whitelist": "127.0.0.1",
          "rpc-host-whitelist-enabled": false,
          "dht-enabled": false, "lpd-enabled": false, "pex-enabled": false, "utp-enabled": false,
          "port-forwarding-enabled": false, "peer-port": 0,
          "download-dir": "%s"
        }
        """.formatted(port, home.resolve("downloads")));
    daemon = new ProcessBuilder(DAEMON, "--foreground", "--config-dir", config.toString())
        .redirectErrorStream(true)
        .redirectOutput(home.resolve("daemon.log").toFile())
        .start();
    webUi = URI.create("http://127.0.0.1:" + port + "/");
    // Readiness, not timing: poll until the RPC answers at all.
    for (int i = 0; i < 200 && RPC.login(webUi, "x", "y") instanceof LoginCheck.Unreachable; i++) {
      if (!daemon.isAlive()) {
        throw new IllegalStateException("transmission-daemon exited: " + Files.readString(home.resolve("daemon.log")));
      }
      Thread.sleep(50);
    }
  }

  @AfterAll
  static void stopDaemon() throws InterruptedException {
    if (daemon != null) {
      daemon.destroy();
      daemon.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theRightPasswordIsAcceptedAfterTheSessionHandshake() {
    assertInstanceOf(LoginCheck.Accepted.class, RPC.login(webUi, "customer", "right horse battery"));
  }

  @Test
  void aWrongPasswordIsRejected() {
    assertInstanceOf(LoginCheck.Rejected.class, RPC.login(webUi, "customer", "wrong"));
  }

  @Test
  void nothingListeningIsUnreachable() throws IOException {
    int free;
    try (ServerSocket socket = new ServerSocket(0)) {
      free = socket.getLocalPort();
    }
    assertInstanceOf(LoginCheck.Unreachable.class, RPC.login(URI.create("http://127.0.0.1:" + free + "/"), "a", "b"));
  }
}

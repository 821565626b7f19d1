package dev.seedbox.hostchannel.realhost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.hostchannel.HostChannel;
import dev.seedbox.hostchannel.HostContract;
import dev.seedbox.hostchannel.HostTarget;
import dev.seedbox.hostchannel.HostVerb;
import dev.seedbox.hostchannel.webui.LoginCheck;
import dev.seedbox.hostchannel.SshHostChannel;
import dev.seedbox.keys.key.SshKeyPair;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The host contract for one client from its real Debian packages, on a server of the real-host lane (Debian's
 * OpenSSH in a network namespace, driven through the SSH host channel), logged in to through the client's own API
 * over the network as the customer would. Each client's lane starts its own server; it runs, is skipped or fails
 * exactly as {@link RealHostLaneTest} does.
 */
abstract class ClientLane extends HostContract {

  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
      .followRedirects(HttpClient.Redirect.NEVER).build();
  static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(10);

  private static final SecureRandom RANDOM = new SecureRandom();
  static NetnsHost host;
  private static SshHostChannel channel;

  /** Starts the lane's server, or says loudly why this machine cannot: see {@link NetnsHost#requireLane}. */
  static void startServer(List<String> binaries, List<String> packages) {
    NetnsHost.requireLane("REAL-HOST LANE", NetnsHost.unavailable(binaries, packages));
    host = new NetnsHost().start();
    channel = NetnsHost.channel(new SimpleMeterRegistry());
  }

  @AfterAll
  static void stopServer() {
    if (channel != null) {
      channel.close();
      channel = null;
    }
    if (host != null) {
      host.close();
      host = null;
    }
  }

  /** Checks, on a slot whose client runs with {@code password}, what only this client's own files can show. */
  protected abstract void assertClientSpecifics(String slot, int webUiPort, int listenPort, String password)
      throws Exception;

  @Test
  void thePasswordIsStoredOnlyInTheClientsOwnHashedFormAndTheClientListensWhereItShould() throws Exception {
    String slot = "sb-" + Long.toHexString(RANDOM.nextLong() & 0xffffffffL | 0x10000000L);
    int webUi = 27000 + RANDOM.nextInt(1000);
    int listen = webUi + 2000;
    Map<String, Object> slotArgs = Map.of("slot", slot, "client", client());
    try {
      Map<String, Object> install = new HashMap<>(slotArgs);
      install.putAll(Map.of("webUiPort", webUi, "listenPort", listen, "bindAddress", "0.0.0.0"));
      done(HostVerb.INSTALL_CLIENT, install);
      String password = password();
      Map<String, Object> credentials = new HashMap<>(slotArgs);
      credentials.putAll(Map.of("username", "customer", "password", password));
      done(HostVerb.SET_CREDENTIALS, credentials);
      done(HostVerb.START, slotArgs);
      URI url = URI.create("http://" + address() + ":" + webUi + "/");
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
          .until(() -> webUi().login(url, "customer", password) instanceof LoginCheck.Accepted);

      assertThat(filesHolding(password, NetnsHost.dataDirectory(slot), Path.of("/etc/systemd/system"),
          Path.of("/etc/seedbox"))).as("files holding the password in plain text").isEmpty();
      assertClientSpecifics(slot, webUi, listen, password);
    } finally {
      run(HostVerb.UNINSTALL, slotArgs);
      cleanUp(slot);
    }
  }

  /**
   * The ports processes whose name starts with {@code process} listen on for TCP in the server's namespace (ss names
   * a process by its thread's name, which rTorrent sets to "rtorrent main").
   */
  static List<Integer> tcpListeners(String process) {
    return Stream.of(host.inNamespace(List.of("ss", "-Hltnp")).split("\n"))
        .filter(line -> line.contains("((\"" + process))
        .map(line -> line.trim().split("\\s+")[3])
        .map(local -> Integer.parseInt(local.substring(local.lastIndexOf(':') + 1)))
        .distinct().sorted().toList();
  }

  private static List<Path> filesHolding(String secret, Path... roots) {
    byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
    return Stream.of(roots).filter(Files::isDirectory).flatMap(root -> {
      try (Stream<Path> walk = Files.walk(root)) {
        return walk.filter(Files::isRegularFile).filter(file -> contains(file, needle)).toList().stream();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }).toList();
  }

  private static boolean contains(Path file, byte[] needle) {
    try {
      String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      return text.contains(new String(needle, StandardCharsets.ISO_8859_1));
    } catch (IOException unreadable) {
      return false;
    }
  }

  @Override
  protected Duration clientStartup() {
    return Duration.ofSeconds(20);
  }

  @Override
  protected HostChannel channel() {
    return channel;
  }

  @Override
  protected String address() {
    return host.address;
  }

  @Override
  protected HostTarget target() {
    return new HostTarget(host.address, 22, host.adminUser, host.hostKey.publicKey().fingerprint());
  }

  @Override
  protected SshKeyPair managementKey() {
    return host.managementKey;
  }

  @Override
  protected void assertUninstalled(String slot) {
    assertThat(NetnsHost.unitFile(slot)).doesNotExist();
    assertThat(Path.of("/etc/systemd/system", "seedbox-" + slot + "-webui.service")).doesNotExist();
    assertThat(NetnsHost.userExists(slot)).isFalse();
    assertThat(NetnsHost.dataDirectory(slot).resolve("downloads")).isDirectory();
  }

  @Override
  protected void cleanUp(String slot) {
    NetnsHost.exec(List.of("rm", "-rf", NetnsHost.dataDirectory(slot).toString()));
  }
}

package dev.seedbox.hostchannel.realhost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.seedbox.hostchannel.HostReply;
import dev.seedbox.hostchannel.HostScript;
import dev.seedbox.hostchannel.HostTarget;
import dev.seedbox.hostchannel.HostVerb;
import dev.seedbox.hostchannel.SshHostChannel;
import dev.seedbox.hostchannel.webui.LoginCheck;
import dev.seedbox.hostchannel.webui.QbittorrentWebUi;
import dev.seedbox.keys.key.Ed25519Keys;
import dev.seedbox.keys.key.SshKeyPair;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real-host lane for a customer's own server (BYOS): Debian's OpenSSH in a network namespace with no host script
 * and no user of ours, the customer's users made by the test, and the host script installed over the channel through
 * the user's sudo. It runs, is skipped or fails exactly as {@link RealHostLaneTest} does.
 */
class ByosLaneTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final SimpleMeterRegistry METERS = new SimpleMeterRegistry();
  private static final QbittorrentWebUi WEB_UI = new QbittorrentWebUi(
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build(), Duration.ofSeconds(5));

  private static NetnsHost host;
  private static SshHostChannel channel;
  /** The customer's user for us, with passwordless sudo as the onboarding instructions ask. */
  private static String sudoer;
  private static SshKeyPair sudoerKey;
  /** A user the customer gave no sudo at all. */
  private static String plainUser;
  private static SshKeyPair plainKey;

  @BeforeAll
  static void startServer() {
    NetnsHost.requireLane("REAL-HOST LANE", NetnsHost.unavailable());
    host = new NetnsHost().startCustomerServer();
    Ed25519Keys keys = new Ed25519Keys();
    sudoerKey = keys.generate("seedbox-byos@" + host.namespace);
    sudoer = host.addUser(sudoerKey, true);
    plainKey = keys.generate("seedbox-byos-plain@" + host.namespace);
    plainUser = host.addUser(plainKey, false);
    channel = NetnsHost.channel(METERS);
  }

  @AfterAll
  static void stopServer() {
    if (channel != null) {
      channel.close();
    }
    if (host != null) {
      host.close();
    }
  }

  @Test
  void theScriptIsInstalledThroughTheCustomersSudoAndTheirSlotServesItsWebUi() {
    NetnsHost.exec(List.of("rm", "-f", HostScript.PATH));
    long timedBefore = ensuresTimedDone();
    HostReply first = channel.ensureHostScript(target(sudoer), sudoerKey);
    assertThat(first).as(first.message()).isInstanceOf(HostReply.Done.class);
    assertThat(body(first).path("installed").asBoolean()).isTrue();
    assertThat(body(first).path("version").asInt()).isEqualTo(HostScript.VERSION);
    assertThat(Path.of(HostScript.PATH)).isExecutable();
    assertThat(NetnsHost.exec(List.of("stat", "-c", "%U:%G %a", HostScript.PATH)).strip())
        .isEqualTo("root:root 755");
    assertThat(body(channel.ensureHostScript(target(sudoer), sudoerKey)).path("installed").asBoolean()).isFalse();
    assertThat(ensuresTimedDone()).isEqualTo(timedBefore + 2);

    String slot = newSlot();
    int webUi = 30000 + RANDOM.nextInt(1000);
    try {
      JsonNode preflight = done(HostVerb.PREFLIGHT, preflightArgs(slot, webUi, 10));
      assertThat(preflight.path("os").asText()).startsWith("debian ");
      assertThat(preflight.path("architecture").asText()).isNotBlank();
      assertThat(preflight.path("freeGb").asLong()).isGreaterThanOrEqualTo(10);
      String password = startSlot(slot, webUi);
      assertThat(login(webUi, password)).isInstanceOf(LoginCheck.Accepted.class);
      assertThat(login(webUi, password + "x")).isInstanceOf(LoginCheck.Rejected.class);
    } finally {
      uninstall(slot);
    }
  }

  @Test
  void aUserWithoutPasswordlessSudoIsToldSo() {
    HostReply reply = channel.ensureHostScript(target(plainUser), plainKey);
    assertThat(reply).isInstanceOf(HostReply.Refused.class);
    assertThat(((HostReply.Refused) reply).reason()).isEqualTo("ByosSudoRequired");
    assertThat(reply.message()).contains(plainUser, host.address, "password is required");
  }

  @Test
  void aPortSomethingElseListensOnFailsPreflightUntilItIsFree() throws Exception {
    ensureScript();
    String slot = newSlot();
    int webUi = 31000 + RANDOM.nextInt(1000);
    try (AutoCloseable listener = host.occupyPort(webUi)) {
      HostReply.Refused refused = refused(HostVerb.PREFLIGHT, preflightArgs(slot, webUi, 0), "ByosPortInUse");
      assertThat(refused.message()).contains("port " + webUi, "web UI port");
    }
    done(HostVerb.PREFLIGHT, preflightArgs(slot, webUi, 0));
  }

  @Test
  void twoSlotsOnTheServerEachAcceptOnlyTheirOwnPassword() {
    ensureScript();
    String first = newSlot();
    String second = newSlot();
    int firstPort = 32000 + RANDOM.nextInt(1000);
    int secondPort = firstPort + 1;
    try {
      String firstPassword = startSlot(first, firstPort);
      String secondPassword = startSlot(second, secondPort);
      assertThat(login(firstPort, firstPassword)).isInstanceOf(LoginCheck.Accepted.class);
      assertThat(login(secondPort, secondPassword)).isInstanceOf(LoginCheck.Accepted.class);
      assertThat(login(firstPort, secondPassword)).isInstanceOf(LoginCheck.Rejected.class);
      assertThat(login(secondPort, firstPassword)).isInstanceOf(LoginCheck.Rejected.class);
    } finally {
      uninstall(first);
      uninstall(second);
    }
  }

  @Test
  void aStoppedSlotIsUnreachableUntilStartedAndUninstallingKeepsItsDownloads() throws Exception {
    ensureScript();
    String slot = newSlot();
    int webUi = 33000 + RANDOM.nextInt(1000);
    Map<String, Object> slotArgs = slotArgs(slot);
    try {
      String password = startSlot(slot, webUi);
      assertThat(done(HostVerb.STOP, slotArgs).path("running").asBoolean()).isFalse();
      assertThat(login(webUi, password)).isInstanceOf(LoginCheck.Unreachable.class);
      assertThat(done(HostVerb.START, slotArgs).path("running").asBoolean()).isTrue();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
          .until(() -> login(webUi, password) instanceof LoginCheck.Accepted);

      Path download = NetnsHost.dataDirectory(slot).resolve("downloads").resolve("kept.iso");
      Files.writeString(download, "the customer's download");
      assertThat(done(HostVerb.UNINSTALL, slotArgs).path("dataKept").asBoolean()).isTrue();
      assertThat(NetnsHost.unitFile(slot)).doesNotExist();
      assertThat(NetnsHost.userExists(slot)).isFalse();
      assertThat(download).hasContent("the customer's download");
      assertThat(login(webUi, password)).isInstanceOf(LoginCheck.Unreachable.class);
    } finally {
      uninstall(slot);
    }
  }

  @Test
  void aKeyTheCustomerRemovedIsRejectedUntilRestored() {
    ensureScript();
    try {
      host.deauthorize(sudoer);
      assertThat(channel.run(target(sudoer), sudoerKey, HostVerb.VERSION, Map.of()))
          .isInstanceOf(HostReply.AuthenticationRejected.class);
    } finally {
      host.authorize(sudoer, sudoerKey);
    }
    assertThat(done(HostVerb.VERSION, Map.of()).path("version").asInt()).isEqualTo(HostScript.VERSION);
  }

  private static HostTarget target(String user) {
    return new HostTarget(host.address, 22, user, host.hostKey.publicKey().fingerprint());
  }

  private static void ensureScript() {
    HostReply reply = channel.ensureHostScript(target(sudoer), sudoerKey);
    assertThat(reply).as(reply.message()).isInstanceOf(HostReply.Done.class);
  }

  private static long ensuresTimedDone() {
    var timer = METERS.find("seedbox.host.commands").tag("verb", "ensure-host-script").tag("outcome", "done").timer();
    return timer == null ? 0 : timer.count();
  }

  private static JsonNode body(HostReply reply) {
    assertThat(reply).as(reply.message()).isInstanceOf(HostReply.Done.class);
    return ((HostReply.Done) reply).body();
  }

  private static JsonNode done(HostVerb verb, Map<String, Object> args) {
    return body(channel.run(target(sudoer), sudoerKey, verb, args));
  }

  private static HostReply.Refused refused(HostVerb verb, Map<String, Object> args, String reason) {
    HostReply reply = channel.run(target(sudoer), sudoerKey, verb, args);
    assertThat(reply).as(reply.message()).isInstanceOf(HostReply.Refused.class);
    assertThat(((HostReply.Refused) reply).reason()).as(reply.message()).isEqualTo(reason);
    return (HostReply.Refused) reply;
  }

  /** Preflight, install bound to every address, credentials and start, until the web UI answers; the password. */
  private static String startSlot(String slot, int webUi) {
    done(HostVerb.PREFLIGHT, preflightArgs(slot, webUi, 0));
    Map<String, Object> install = new HashMap<>(slotArgs(slot));
    install.putAll(Map.of("webUiPort", webUi, "listenPort", webUi + 2000, "bindAddress", "0.0.0.0"));
    assertThat(done(HostVerb.INSTALL_CLIENT, install).path("unitChanged").asBoolean()).isTrue();
    String password = password();
    Map<String, Object> credentials = new HashMap<>(slotArgs(slot));
    credentials.putAll(Map.of("username", "customer", "password", password));
    done(HostVerb.SET_CREDENTIALS, credentials);
    assertThat(done(HostVerb.START, slotArgs(slot)).path("running").asBoolean()).isTrue();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
        .until(() -> !(login(webUi, password) instanceof LoginCheck.Unreachable));
    return password;
  }

  private static void uninstall(String slot) {
    channel.run(target(sudoer), sudoerKey, HostVerb.UNINSTALL, slotArgs(slot));
    NetnsHost.exec(List.of("rm", "-rf", NetnsHost.dataDirectory(slot).toString()));
  }

  private static LoginCheck login(int port, String password) {
    return WEB_UI.login(URI.create("http://" + host.address + ":" + port + "/"), "customer", password);
  }

  private static Map<String, Object> slotArgs(String slot) {
    return Map.of("slot", slot, "client", "qbittorrent");
  }

  private static Map<String, Object> preflightArgs(String slot, int webUi, int diskGb) {
    Map<String, Object> args = new HashMap<>(slotArgs(slot));
    args.putAll(Map.of("webUiPort", webUi, "listenPort", webUi + 2000, "diskGb", diskGb));
    return args;
  }

  private static String newSlot() {
    return "sb-" + Long.toHexString(RANDOM.nextLong() & 0xffffffffL | 0x10000000L);
  }

  private static String password() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}

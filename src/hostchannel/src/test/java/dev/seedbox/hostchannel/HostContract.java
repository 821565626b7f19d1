package dev.seedbox.hostchannel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.seedbox.hostchannel.credentials.CredentialRotation;
import dev.seedbox.hostchannel.credentials.MemoryCredentialStore;
import dev.seedbox.hostchannel.credentials.RotationOutcome;
import dev.seedbox.hostchannel.webui.LoginCheck;
import dev.seedbox.hostchannel.webui.WebUiLogin;
import dev.seedbox.keys.key.Ed25519Keys;
import dev.seedbox.keys.key.SshKeyPair;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every host channel promises for every client, run against the real server (Debian's OpenSSH and the client's
 * real packages) and against the in-memory host: the same verbs, the same refusals, and a customer login through the
 * client's own API that works exactly when it should.
 */
public abstract class HostContract {

  private static final SecureRandom RANDOM = new SecureRandom();

  protected abstract HostChannel channel();

  /**
   * How long a client may take to answer its web UI again after the server restarted it with a new password (a
   * client of two processes, such as Deluge's daemon and web UI, takes longer than one).
   */
  protected Duration clientStartup() {
    return Duration.ofSeconds(3);
  }

  /** The client under test, as the host script names it. */
  protected String client() {
    return "qbittorrent";
  }

  protected abstract WebUiLogin webUi();

  /** The server's address as the web UI URL names it. */
  protected abstract String address();

  protected abstract HostTarget target();

  protected abstract SshKeyPair managementKey();

  /** Checks, after the slot's client was uninstalled, that only a real file system can make. */
  protected void assertUninstalled(String slot) {
  }

  /** Removes what a test's slot left behind, whether or not the test passed. */
  protected void cleanUp(String slot) {
  }

  protected final HostReply run(HostVerb verb, Map<String, Object> args) {
    return channel().run(target(), managementKey(), verb, args);
  }

  protected final JsonNode done(HostVerb verb, Map<String, Object> args) {
    HostReply reply = run(verb, args);
    assertThat(reply).as("%s: %s", verb, reply.message()).isInstanceOf(HostReply.Done.class);
    return ((HostReply.Done) reply).body();
  }

  protected final HostReply.Refused refused(HostVerb verb, Map<String, Object> args, String reason) {
    HostReply reply = run(verb, args);
    assertThat(reply).as("%s: %s", verb, reply.message()).isInstanceOf(HostReply.Refused.class);
    assertThat(((HostReply.Refused) reply).reason()).as(reply.message()).isEqualTo(reason);
    return (HostReply.Refused) reply;
  }

  private URI webUiUrl(int port) {
    return URI.create("http://" + address() + ":" + port + "/");
  }

  private LoginCheck login(int port, String password) {
    return webUi().login(webUiUrl(port), "customer", password);
  }

  private void awaitAnswer(int port, String password) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
        .until(() -> !(login(port, password) instanceof LoginCheck.Unreachable));
  }

  @Test
  void theCustomerLogsInWithTheCredentialsSetRotatedAndResumed() {
    String slot = newSlot();
    int webUi = 18000 + RANDOM.nextInt(1000);
    Map<String, Object> slotArgs = slotArgs(slot);
    Map<String, Object> install = installArgs(slot, webUi);
    try {
      assertThat(done(HostVerb.BOOT_STATUS, Map.of()).path("state").asText()).isEqualTo("done");
      assertThat(done(HostVerb.INSTALL_CLIENT, install).path("unitChanged").asBoolean()).isTrue();
      // a second install after a lost answer changes nothing
      assertThat(done(HostVerb.INSTALL_CLIENT, install).path("unitChanged").asBoolean()).isFalse();

      // never started with the client's well-known default credentials
      HostReply early = run(HostVerb.START, slotArgs);
      assertThat(early).isInstanceOf(HostReply.Refused.class);
      assertThat(((HostReply.Refused) early).reason()).isEqualTo("CredentialsNotSet");

      String first = password();
      done(HostVerb.SET_CREDENTIALS, credentials(slotArgs, first));
      assertThat(done(HostVerb.START, slotArgs).path("running").asBoolean()).isTrue();
      awaitAnswer(webUi, first);
      assertThat(login(webUi, first)).isInstanceOf(LoginCheck.Accepted.class);
      assertThat(login(webUi, first + "x")).isInstanceOf(LoginCheck.Rejected.class);
      URI url = webUiUrl(webUi);
      ClientProbe probe = new ClientProbe(channel(), webUi());
      assertThat(probe.probe(target(), managementKey(), slotArgs, url, "customer", first))
          .isInstanceOf(ProbeResult.Healthy.class);
      assertThat(probe.probe(target(), managementKey(), slotArgs, url, "customer", first + "x"))
          .isInstanceOfSatisfying(ProbeResult.Unhealthy.class,
              unhealthy -> assertThat(unhealthy.reason()).isEqualTo(ClientProbe.CREDENTIALS_REJECTED));

      String second = password();
      assertThat(done(HostVerb.SET_CREDENTIALS, credentials(slotArgs, second)).path("restarted").asBoolean())
          .isTrue();
      awaitAnswer(webUi, second);
      assertThat(login(webUi, second)).isInstanceOf(LoginCheck.Accepted.class);
      assertThat(login(webUi, first)).isInstanceOf(LoginCheck.Rejected.class);

      // suspended: the client is stopped, so nothing answers on its port
      assertThat(done(HostVerb.STOP, slotArgs).path("running").asBoolean()).isFalse();
      assertThat(login(webUi, second)).isInstanceOf(LoginCheck.Unreachable.class);
      assertThat(done(HostVerb.HEALTH, slotArgs).path("running").asBoolean()).isFalse();
      assertThat(probe.probe(target(), managementKey(), slotArgs, url, "customer", second))
          .isEqualTo(new ProbeResult.Unhealthy(ClientProbe.CLIENT_NOT_RUNNING, "the client is installed but not running"));
      assertThat(probe.probe(target(), managementKey(), slotArgs, webUiUrl(webUi + 2), "customer", second))
          .isInstanceOf(ProbeResult.Unhealthy.class);

      assertThat(done(HostVerb.START, slotArgs).path("running").asBoolean()).isTrue();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
          .until(() -> login(webUi, second) instanceof LoginCheck.Accepted);
      JsonNode health = done(HostVerb.HEALTH, slotArgs);
      assertThat(health.path("running").asBoolean()).isTrue();
      assertThat(health.path("credentialsSet").asBoolean()).isTrue();
      assertThat(done(HostVerb.UNINSTALL, slotArgs).path("dataKept").asBoolean()).isTrue();
      assertThat(done(HostVerb.HEALTH, slotArgs).path("installed").asBoolean()).isFalse();
      assertUninstalled(slot);
    } finally {
      run(HostVerb.UNINSTALL, slotArgs);
      cleanUp(slot);
    }
  }

  @Test
  void aRotationWhoseLoginCheckFailsLeavesThePreviousPasswordCurrentAndWorking() {
    String slot = newSlot();
    int port = 19000 + RANDOM.nextInt(1000);
    Map<String, Object> slotArgs = slotArgs(slot);
    Map<String, Object> install = installArgs(slot, port);
    URI customerUrl = webUiUrl(port);
    CredentialRotation rotation = new CredentialRotation(channel(), webUi(), clientStartup());
    MemoryCredentialStore store = new MemoryCredentialStore("customer");
    try {
      done(HostVerb.INSTALL_CLIENT, install);
      // the first password starts the client, which never ran on its default credentials
      assertThat(rotation.apply(target(), managementKey(), slotArgs, customerUrl, store, 0))
          .isEqualTo(new RotationOutcome.Promoted(0));
      String first = store.read().current().orElseThrow();

      // the login check of rotation 1 looks at a port where nothing answers
      URI wrongUrl = webUiUrl(port + 1);
      RotationOutcome failed = rotation.apply(target(), managementKey(), slotArgs, wrongUrl, store, 1);
      assertThat(failed).isInstanceOf(RotationOutcome.Failed.class);
      assertThat(((RotationOutcome.Failed) failed).reason()).isEqualTo(CredentialRotation.FAILED);
      assertThat(failed.message()).contains("previous password was restored");
      assertThat(store.read().current()).contains(first);
      awaitAnswer(port, first);
      assertThat(login(port, first)).isInstanceOf(LoginCheck.Accepted.class);

      // retried where the customer really logs in, and interrupted before the promotion was written
      String pending = store.read().pending().orElseThrow();
      store.crashOnNextPromote();
      assertThatThrownBy(() -> rotation.apply(target(), managementKey(), slotArgs, customerUrl, store, 1))
          .isInstanceOf(IllegalStateException.class);
      assertThat(rotation.apply(target(), managementKey(), slotArgs, customerUrl, store, 1))
          .isEqualTo(new RotationOutcome.Promoted(1));
      assertThat(store.read().current()).contains(pending);
      assertThat(store.read().pending()).isEmpty();
      assertThat(login(port, pending)).isInstanceOf(LoginCheck.Accepted.class);
      assertThat(login(port, first)).isInstanceOf(LoginCheck.Rejected.class);
      assertThat(rotation.apply(target(), managementKey(), slotArgs, customerUrl, store, 1))
          .isEqualTo(new RotationOutcome.Current(1));
    } finally {
      run(HostVerb.UNINSTALL, slotArgs);
      cleanUp(slot);
    }
  }

  @Test
  void credentialsNeedAnInstalledClientAndArgumentsOfTheExpectedForm() {
    HostReply notInstalled = run(HostVerb.SET_CREDENTIALS,
        credentials(Map.of("slot", "sb-neverinstalled", "client", client()), password()));
    assertThat(notInstalled).isInstanceOf(HostReply.Refused.class);
    assertThat(((HostReply.Refused) notInstalled).reason()).isEqualTo("ClientNotInstalled");

    HostReply injected = run(HostVerb.INSTALL_CLIENT, Map.of("slot", "sb-x; touch /tmp/seedbox-pwned",
        "client", client(), "webUiPort", 18080, "listenPort", 16881));
    assertThat(injected).isInstanceOf(HostReply.Refused.class);
    assertThat(((HostReply.Refused) injected).reason()).isEqualTo("InvalidArgument");

    HostReply utorrent = run(HostVerb.INSTALL_CLIENT, Map.of("slot", "sb-abcd1234", "client", "utorrent",
        "webUiPort", 18080, "listenPort", 16881));
    assertThat(utorrent).isInstanceOf(HostReply.Refused.class);
    assertThat(((HostReply.Refused) utorrent).reason()).isEqualTo("ClientNotSupported");
  }

  @Test
  void aServerPresentingAnotherHostKeyOrRefusingOurKeyIsNamedAsSuch() {
    String otherPin = new Ed25519Keys().generate("impostor").publicKey().fingerprint();
    HostTarget wrongPin = new HostTarget(target().host(), target().port(), target().user(), otherPin);
    HostReply mismatch = channel().run(wrongPin, managementKey(), HostVerb.VERSION, Map.of());
    assertThat(mismatch).isInstanceOf(HostReply.HostKeyMismatch.class);
    assertThat(((HostReply.HostKeyMismatch) mismatch).pinned()).isEqualTo(otherPin);
    assertThat(((HostReply.HostKeyMismatch) mismatch).presented()).isEqualTo(target().hostKeyFingerprint());

    HostReply stranger = channel().run(target(), new Ed25519Keys().generate("stranger"), HostVerb.VERSION, Map.of());
    assertThat(stranger).isInstanceOf(HostReply.AuthenticationRejected.class);

    assertThat(done(HostVerb.VERSION, Map.of()).path("version").asInt()).isEqualTo(HostScript.VERSION);
  }

  @Test
  void ensuringTheHostScriptASecondTimeWritesNothing() {
    HostReply first = channel().ensureHostScript(target(), managementKey());
    assertThat(first).as(first.message()).isInstanceOf(HostReply.Done.class);
    HostReply second = channel().ensureHostScript(target(), managementKey());
    assertThat(second).as(second.message()).isInstanceOf(HostReply.Done.class);
    assertThat(((HostReply.Done) second).body().path("installed").isBoolean()).isTrue();
    assertThat(((HostReply.Done) second).body().path("installed").asBoolean()).isFalse();
    assertThat(((HostReply.Done) second).body().path("version").asInt()).isEqualTo(HostScript.VERSION);
    assertThat(done(HostVerb.VERSION, Map.of()).path("version").asInt()).isEqualTo(HostScript.VERSION);
  }

  @Test
  void preflightPassesWithFreePortsAndRefusesAPlanLargerThanTheFreeDisk() {
    String slot = newSlot();
    int port = 26000 + RANDOM.nextInt(1000);
    JsonNode passed = done(HostVerb.PREFLIGHT, preflightArgs(slot, port, port + 2000, 0));
    assertThat(passed.path("freeGb").isIntegralNumber()).as(passed.toString()).isTrue();
    assertThat(passed.path("freeGb").asLong()).isNotNegative();
    assertThat(passed.path("os").asText()).isNotBlank();
    assertThat(passed.path("architecture").asText()).isNotBlank();

    long tooMuch = passed.path("freeGb").asLong() + 100;
    assertThat(refused(HostVerb.PREFLIGHT, preflightArgs(slot, port, port + 2000, tooMuch), "ByosDiskTooSmall")
        .message()).contains(tooMuch + " GiB");
    Map<String, Object> noDisk = new HashMap<>(preflightArgs(slot, port, port + 2000, 0));
    noDisk.remove("diskGb");
    refused(HostVerb.PREFLIGHT, noDisk, "InvalidArgument");
    refused(HostVerb.PREFLIGHT, preflightArgs(slot, port, port, 0), "InvalidArgument");
  }

  @Test
  void preflightRefusesAPortAnotherSlotHoldsAndAcceptsTheSlotsOwn() {
    String holder = newSlot();
    String newcomer = newSlot();
    int webUi = 22000 + RANDOM.nextInt(1000);
    int listen = webUi + 2000;
    Map<String, Object> holderArgs = slotArgs(holder);
    try {
      done(HostVerb.INSTALL_CLIENT, installArgs(holder, webUi));
      String password = password();
      done(HostVerb.SET_CREDENTIALS, credentials(holderArgs, password));
      done(HostVerb.START, holderArgs);
      awaitAnswer(webUi, password);

      assertThat(refused(HostVerb.PREFLIGHT, preflightArgs(newcomer, webUi, listen + 1, 0), "ByosPortInUse")
          .message()).contains(Integer.toString(webUi));
      assertThat(refused(HostVerb.PREFLIGHT, preflightArgs(newcomer, webUi + 1, listen, 0), "ByosPortInUse")
          .message()).contains(Integer.toString(listen));
      // the slot's own running client holds its ports, which the slot may keep
      done(HostVerb.PREFLIGHT, preflightArgs(holder, webUi, listen, 0));
      done(HostVerb.PREFLIGHT, preflightArgs(newcomer, webUi + 1, listen + 1, 0));
    } finally {
      run(HostVerb.UNINSTALL, holderArgs);
      cleanUp(holder);
    }
  }

  @Test
  void aSlotsDiskIsLimitedBeforeItsInstallGrownInPlaceAndNeverShrunk() {
    String slot = newSlot();
    Map<String, Object> args = slotArgs(slot);
    try {
      refused(HostVerb.LIMIT_DISK, args, "InvalidArgument");
      refused(HostVerb.LIMIT_DISK, with(args, "diskMiB", 8), "InvalidArgument");
      refused(HostVerb.LIMIT_DISK, with(args, "diskMiB", "64"), "InvalidArgument");

      JsonNode limited = done(HostVerb.LIMIT_DISK, with(args, "diskMiB", 64));
      assertThat(limited.path("mechanism").asText()).isIn("userQuota", "image");
      // a disk of its own keeps a little of the 64 MiB for ext4's own metadata
      int first = limited.path("diskLimitMiB").asInt();
      assertThat(first).as(limited.toString()).isBetween(48, 64);
      assertThat(done(HostVerb.LIMIT_DISK, with(args, "diskMiB", 64)).path("diskLimitMiB").asInt())
          .as("the same limit again changes nothing").isEqualTo(first);

      JsonNode grown = done(HostVerb.LIMIT_DISK, with(args, "diskMiB", 96));
      assertThat(grown.path("diskLimitMiB").asInt()).as(grown.toString()).isGreaterThan(first)
          .isLessThanOrEqualTo(96);
      assertThat(refused(HostVerb.LIMIT_DISK, with(args, "diskMiB", 64), "DiskLimitShrinkRefused").message())
          .contains(slot);

      done(HostVerb.INSTALL_CLIENT, installArgs(slot, 24000 + RANDOM.nextInt(1000)));
      JsonNode health = done(HostVerb.HEALTH, args);
      assertThat(health.path("diskLimitMiB").asInt()).as(health.toString())
          .isEqualTo(grown.path("diskLimitMiB").asInt());
      assertThat(health.path("diskUsedMiB").asInt()).isBetween(0, health.path("diskLimitMiB").asInt());

      done(HostVerb.UNINSTALL, with(args, "deleteData", true));
      assertThat(done(HostVerb.HEALTH, args).has("diskLimitMiB")).as("the disk went with the data").isFalse();
    } finally {
      run(HostVerb.UNINSTALL, with(args, "deleteData", true));
      cleanUp(slot);
    }
  }

  @Test
  void twoSlotsOnOneServerEachAcceptOnlyTheirOwnPassword() {
    String first = newSlot();
    String second = newSlot();
    int firstPort = 23000 + RANDOM.nextInt(1000);
    int secondPort = firstPort + 1;
    String firstPassword = password();
    String secondPassword = password();
    try {
      for (Map<String, Object> install : List.of(installArgs(first, firstPort),
          installArgs(second, secondPort))) {
        done(HostVerb.PREFLIGHT, preflightArgs((String) install.get("slot"), (Integer) install.get("webUiPort"),
            (Integer) install.get("listenPort"), 0));
        done(HostVerb.INSTALL_CLIENT, install);
      }
      done(HostVerb.SET_CREDENTIALS, credentials(slotArgs(first), firstPassword));
      done(HostVerb.SET_CREDENTIALS, credentials(slotArgs(second), secondPassword));
      assertThat(done(HostVerb.START, slotArgs(first)).path("running").asBoolean()).isTrue();
      assertThat(done(HostVerb.START, slotArgs(second)).path("running").asBoolean()).isTrue();
      awaitAnswer(firstPort, firstPassword);
      awaitAnswer(secondPort, secondPassword);

      assertThat(login(firstPort, firstPassword)).isInstanceOf(LoginCheck.Accepted.class);
      assertThat(login(secondPort, secondPassword)).isInstanceOf(LoginCheck.Accepted.class);
      assertThat(login(firstPort, secondPassword)).isInstanceOf(LoginCheck.Rejected.class);
      assertThat(login(secondPort, firstPassword)).isInstanceOf(LoginCheck.Rejected.class);
    } finally {
      run(HostVerb.UNINSTALL, slotArgs(first));
      run(HostVerb.UNINSTALL, slotArgs(second));
      cleanUp(first);
      cleanUp(second);
    }
  }

  private Map<String, Object> preflightArgs(String slot, int webUiPort, int listenPort, long diskGb) {
    Map<String, Object> args = new HashMap<>(slotArgs(slot));
    args.putAll(Map.of("webUiPort", webUiPort, "listenPort", listenPort, "diskGb", diskGb));
    return args;
  }

  protected static String newSlot() {
    return "sb-" + Long.toHexString(RANDOM.nextLong() & 0xffffffffL | 0x10000000L);
  }

  protected final Map<String, Object> slotArgs(String slot) {
    return Map.of("slot", slot, "client", client());
  }

  /** Bound to every address, since the test logs in from outside the server; listen ports never meet web UI ones. */
  private Map<String, Object> installArgs(String slot, int webUiPort) {
    Map<String, Object> install = new HashMap<>(slotArgs(slot));
    install.putAll(Map.of("webUiPort", webUiPort, "listenPort", webUiPort + 2000, "bindAddress", "0.0.0.0"));
    return install;
  }

  /** {@code args} with one more argument. */
  protected static Map<String, Object> with(Map<String, Object> args, String name, Object value) {
    Map<String, Object> more = new HashMap<>(args);
    more.put(name, value);
    return more;
  }

  protected static String password() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static Map<String, Object> credentials(Map<String, Object> slotArgs, String password) {
    Map<String, Object> args = new HashMap<>(slotArgs);
    args.put("username", "customer");
    args.put("password", password);
    return args;
  }
}

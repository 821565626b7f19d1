package dev.seedbox.hostchannel.realhost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.seedbox.hostchannel.HostChannel;
import dev.seedbox.hostchannel.HostContract;
import dev.seedbox.hostchannel.HostReply;
import dev.seedbox.hostchannel.HostTarget;
import dev.seedbox.hostchannel.HostVerb;
import dev.seedbox.hostchannel.SshHostChannel;
import dev.seedbox.hostchannel.webui.QbittorrentWebUi;
import dev.seedbox.hostchannel.webui.WebUiLogin;
import dev.seedbox.keys.key.Ed25519Keys;
import dev.seedbox.keys.key.SshKeyPair;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real-host lane: Debian's OpenSSH and qbittorrent-nox in a network namespace, driven through the SSH host
 * channel, and the web UI logged in to over the network as the customer would. Where the machine cannot run it (no
 * root, network namespaces refused, packages missing) it says so loudly and is skipped; under CI (CI=true) it fails
 * instead, since .ci/run installs the packages.
 */
class RealHostLaneTest extends HostContract {

  private static NetnsHost host;
  private static SshHostChannel channel;
  private static final SimpleMeterRegistry METERS = new SimpleMeterRegistry();
  private static final QbittorrentWebUi WEB_UI = new QbittorrentWebUi(
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build(), Duration.ofSeconds(5));

  @BeforeAll
  static void startServer() {
    NetnsHost.requireLane("REAL-HOST LANE", NetnsHost.unavailable());
    host = new NetnsHost().start();
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

  @Override
  protected HostChannel channel() {
    return channel;
  }

  @Override
  protected WebUiLogin webUi() {
    return WEB_UI;
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
    assertThat(Path.of("/etc/systemd/system/seedbox-" + slot + ".service")).doesNotExist();
    assertThat(Path.of("/srv/seedbox", slot, "downloads")).isDirectory();
  }

  @Override
  protected void cleanUp(String slot) {
    NetnsHost.exec(List.of("rm", "-rf", Path.of("/srv/seedbox", slot).toString()));
  }

  /**
   * The kernel enforces a slot's limit. This machine's kernel has no quota support (no CONFIG_QUOTA: ext4 with
   * usrquota does not mount), so the script gives each slot an ext4 file system of its own, the same mechanism a
   * fleet server without quotas gets; the Linux user quota path runs only where the data file system has them on.
   */
  @Test
  void aFullSlotIsRefusedItsNextWriteWhileItsNeighbourWritesOn() {
    String full = newSlot();
    String neighbour = newSlot();
    try {
      assertThat(done(HostVerb.LIMIT_DISK, with(slotArgs(full), "diskMiB", 64)).path("mechanism").asText())
          .isEqualTo("image");
      done(HostVerb.LIMIT_DISK, with(slotArgs(neighbour), "diskMiB", 128));
      assertThat(host.serverMounts()).contains(" /srv/seedbox/" + full + " ext4 ")
          .contains(" /srv/seedbox/" + neighbour + " ext4 ");
      assertThat(Path.of("/etc/systemd/system/srv-seedbox-" + full.replace("-", "\\x2d") + ".mount"))
          .as("mounted again at boot").exists();

      assertThatThrownBy(() -> writeAs(full, "fill", 80)).hasMessageContaining("No space left on device");
      writeAs(neighbour, "fill", 80);
      assertThat(done(HostVerb.HEALTH, slotArgs(full)).path("diskUsedMiB").asInt()).isGreaterThan(48);
      assertThat(done(HostVerb.HEALTH, slotArgs(neighbour)).path("diskUsedMiB").asInt()).isBetween(80, 128);

      done(HostVerb.LIMIT_DISK, with(slotArgs(full), "diskMiB", 160));
      writeAs(full, "more", 40);

      done(HostVerb.UNINSTALL, with(slotArgs(full), "deleteData", true));
      assertThat(host.serverMounts()).doesNotContain(" /srv/seedbox/" + full + " ");
      assertThat(NetnsHost.diskImage(full)).doesNotExist();
      assertThat(NetnsHost.diskImage(neighbour)).exists();
    } finally {
      run(HostVerb.UNINSTALL, with(slotArgs(full), "deleteData", true));
      run(HostVerb.UNINSTALL, with(slotArgs(neighbour), "deleteData", true));
      NetnsHost.removeSlot(full);
      NetnsHost.removeSlot(neighbour);
    }
  }

  /** Writes {@code mib} MiB into the slot's home as the slot's own user, as its client would. */
  private static void writeAs(String slot, String file, int mib) {
    host.onServer(List.of("runuser", "-u", slot, "--", "dd", "if=/dev/zero",
        "of=/srv/seedbox/" + slot + "/" + file, "bs=1M", "count=" + mib, "conv=fsync", "status=none"));
  }

  @Test
  void ourKeyIsNeverOfferedToAServerPresentingAnotherHostKey() {
    HostTarget wrongPin = new HostTarget(host.address, 22, host.adminUser,
        new Ed25519Keys().generate("impostor").publicKey().fingerprint());
    int logBefore = host.sshdLog().length();

    HostReply reply = channel.run(wrongPin, host.managementKey, HostVerb.VERSION, Map.of());

    assertThat(reply).isInstanceOf(HostReply.HostKeyMismatch.class);
    // at LogLevel VERBOSE sshd logs every public key offered to it; none was, this time
    await().atMost(Duration.ofSeconds(5)).until(() -> host.sshdLog().length() > logBefore);
    assertThat(host.sshdLog().substring(logBefore))
        .doesNotContain(host.managementKey.publicKey().fingerprint())
        .doesNotContain("publickey");
  }

  @Test
  void argumentsNeverBecomeShellTextAndEveryCommandIsTimed() {
    HostReply injected = run(HostVerb.HEALTH, Map.of("slot", "sb-abcd$(touch /tmp/seedbox-pwned)",
        "client", "qbittorrent"));
    assertThat(injected).isInstanceOf(HostReply.Refused.class);
    assertThat(Files.exists(Path.of("/tmp/seedbox-pwned"))).isFalse();

    done(HostVerb.VERSION, Map.of());
    assertThat(METERS.find("seedbox.host.commands").tag("verb", "version").tag("outcome", "done").timer())
        .isNotNull()
        .satisfies(timer -> assertThat(timer.count()).isPositive());
    assertThat(METERS.find("seedbox.host.commands").tag("verb", "health").tag("outcome", "InvalidArgument").timer())
        .isNotNull();
  }
}

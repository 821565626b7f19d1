package dev.seedbox.hostchannel.realhost;

import dev.seedbox.hostchannel.HostBootstrap;
import dev.seedbox.hostchannel.HostScript;
import dev.seedbox.hostchannel.SshHostChannel;
import dev.seedbox.keys.key.Ed25519Keys;
import dev.seedbox.keys.key.SshKeyPair;
import dev.seedbox.keys.verify.AddressPolicy;
import dev.seedbox.keys.verify.Cidr;
import dev.seedbox.keys.verify.HostResolver;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real seedbox server for the real-host lane: Debian's OpenSSH in a network namespace of its own, reached over a
 * veth pair at an address of the rig's own, laid out as cloud-init leaves a server we create: an unprivileged admin
 * user holding only our management key, the host key we generated, password and root logins off, the host script
 * root-owned with a sudo rule for it and nothing else.
 *
 * <p>{@link #startCustomerServer} lays it out as a customer's own server instead (BYOS): no host script, no admin
 * user and no sudo rule of ours, sshd as a distribution configures it; the test adds the customer's users itself.
 *
 * <p>The sandbox has no systemd, so the admin user's sudo path starts with a systemctl STAND-IN that runs a unit's
 * ExecStart as its User inside the namespace; it is the one stand-in in this lane.
 */
public final class NetnsHost implements AutoCloseable {

  /** Every rig's addresses: a /30 per namespace out of this range, allow-listed for the channel under test. */
  public static final String ADDRESSES = "10.250.0.0/16";
  static final List<String> PACKAGES = List.of("openssh-server", "sudo", "qbittorrent-nox", "python3", "iproute2",
      "e2fsprogs", "util-linux");
  // a slot's own disk: mkfs.ext4 and resize2fs on the server, nsenter to see it as the server does
  private static final List<String> BINARIES = List.of("/usr/sbin/sshd", "/usr/bin/sudo", "/usr/bin/qbittorrent-nox",
      "/usr/bin/python3", "/usr/sbin/ip", "/usr/sbin/mkfs.ext4", "/usr/sbin/resize2fs", "/usr/bin/nsenter");
  private static final SecureRandom RANDOM = new SecureRandom();

  final String namespace;
  final String address;

  /** The server's address, as a ByosConnection names it. */
  public String address() {
    return address;
  }
  /** The rig's own end of the veth pair, where the server reaches services the rig runs (an ACME server). */
  final String rigAddress;

  public String rigAddress() {
    return rigAddress;
  }

  /** The admin user of a server we create; {@link #startCustomerServer} makes none. */
  final String adminUser;
  final SshKeyPair managementKey;
  final SshKeyPair hostKey;
  private final int index;
  private final Path dir;
  private final List<String> cleanup = new ArrayList<>();
  private int users;
  private Process sshd;

  /** Why this machine cannot run the lane, or empty when it can. */
  public static Optional<String> unavailable() {
    return unavailable(List.of(), List.of());
  }

  /**
   * Why this machine cannot run a lane that also needs {@code binaries} (from Debian's {@code packages}), or empty.
   */
  public static Optional<String> unavailable(List<String> binaries, List<String> packages) {
    List<String> missing = java.util.stream.Stream.concat(BINARIES.stream(), binaries.stream())
        .filter(b -> !Files.isExecutable(Path.of(b))).toList();
    if (!missing.isEmpty()) {
      return Optional.of("missing " + missing + " (apt-get install " + String.join(" ", PACKAGES) + " "
          + String.join(" ", packages) + "; .ci/run does)");
    }
    try {
      if (!exec(List.of("id", "-u")).strip().equals("0")) {
        return Optional.of("the rig needs root to create network namespaces and users");
      }
      String probe = "sbx-probe-" + Long.toHexString(RANDOM.nextLong() & 0xffffffL);
      exec(List.of("ip", "netns", "add", probe));
      exec(List.of("ip", "netns", "del", probe));
    } catch (IllegalStateException e) {
      return Optional.of("network namespaces are refused here: " + e.getMessage());
    }
    return Optional.empty();
  }

  /**
   * Lets a lane run only where it can: otherwise prints a banner naming why, fails under CI (CI=true, where .ci/run
   * installed what the lane needs) and aborts the lane's tests elsewhere.
   *
   * @param lane the banner's name of the lane, e.g. "REAL-HOST LANE"
   */
  public static void requireLane(String lane, Optional<String> why) {
    if (why.isEmpty()) {
      return;
    }
    String banner = "\n!!!! " + lane + " NOT RUN: " + why.get() + " !!!!\n";
    System.err.println(banner);
    System.out.println(banner);
    if ("true".equals(System.getenv("CI"))) {
      throw new IllegalStateException("the " + lane.toLowerCase(Locale.ROOT) + " must run in CI: " + why.get());
    }
    Assumptions.abort(banner);
  }

  /** The host channel as the lanes drive it: to the rigs' addresses only, with short timeouts and two attempts. */
  static SshHostChannel channel(MeterRegistry meters) {
    return new SshHostChannel(new AddressPolicy(List.of(Cidr.parse(ADDRESSES))), HostResolver.SYSTEM,
        new SshHostChannel.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofMinutes(5), 2,
            Duration.ofMillis(500)), meters);
  }

  public NetnsHost() {
    this.index = 1 + RANDOM.nextInt(250);
    String suffix = Integer.toString(index) + Long.toHexString(RANDOM.nextLong() & 0xfffL);
    this.namespace = "sbx-" + suffix;
    this.address = "10.250." + index + ".2";
    this.rigAddress = "10.250." + index + ".1";
    this.adminUser = "sbxadm" + suffix;
    Ed25519Keys keys = new Ed25519Keys();
    this.managementKey = keys.generate("seedbox-management@" + namespace);
    this.hostKey = keys.generate("root@" + namespace);
    try {
      this.dir = Files.createTempDirectory("seedbox-rig-");
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  NetnsHost start() {
    network();
    adminUser();
    hostScript();
    // what the user data puts in sshd_config.d on a server we create
    sshd(new HostBootstrap(adminUser, managementKey.publicKey(), hostKey, List.of()).sshdHardening());
    return this;
  }

  /**
   * A customer's server: the host script is removed from where it would be (the rig shares this machine's file
   * system, where another rig may have left it), and sshd allows any user with a key, as a customer's does.
   */
  public NetnsHost startCustomerServer() {
    network();
    standIn();
    exec(List.of("rm", "-f", HostScript.PATH));
    sshd(String.join("\n", "PasswordAuthentication no", "KbdInteractiveAuthentication no", "PermitRootLogin no",
        ""));
    return this;
  }

  /**
   * A login user holding {@code key}, as the customer would make it for us; with {@code passwordlessSudo} it may run
   * any command through sudo without a password, else sudo knows nothing of it.
   *
   * @return the user's name
   */
  public String addUser(SshKeyPair key, boolean passwordlessSudo) {
    String user = "sbxu" + namespace.substring("sbx-".length()) + "x" + (++users);
    exec(List.of("useradd", "--create-home", "--shell", "/bin/bash", user));
    cleanup.add(0, "userdel --remove " + user);
    exec(List.of("usermod", "-p", "*", user));
    Path ssh = Path.of("/home", user, ".ssh");
    exec(List.of("install", "-d", "-m", "700", "-o", user, "-g", user, ssh.toString()));
    authorize(user, key);
    if (passwordlessSudo) {
      sudoRule(user, user + " ALL=(ALL:ALL) NOPASSWD: ALL\n");
    }
    return user;
  }

  /** The customer put {@code key} (alone) in the user's {@code authorized_keys}. */
  void authorize(String user, SshKeyPair key) {
    authorize(user, key.publicKey().line());
  }

  /** The customer put this {@code authorized_keys} line (alone) there, as the onboarding command would. */
  public void authorize(String user, String authorizedKeysLine) {
    authorizedKeys(user, authorizedKeysLine.strip() + "\n");
  }

  /** The customer emptied the user's {@code authorized_keys}. */
  public void deauthorize(String user) {
    authorizedKeys(user, "");
  }

  private void authorizedKeys(String user, String content) {
    Path file = Path.of("/home", user, ".ssh", "authorized_keys");
    write(file, content, "rw-------");
    exec(List.of("chown", user + ":" + user, file.toString()));
  }

  /**
   * Something other than a seedbox listens on {@code port} on every IPv4 address of the server until the returned
   * listener is closed (or the rig is).
   */
  public AutoCloseable occupyPort(int port) {
    try {
      Process listener = new ProcessBuilder("ip", "netns", "exec", namespace, "python3", "-c",
          "import socket, sys\n"
              + "s = socket.socket()\n"
              + "s.bind(('0.0.0.0', int(sys.argv[1])))\n"
              + "s.listen()\n"
              + "print('listening', flush=True)\n"
              + "sys.stdin.read()\n", Integer.toString(port)).redirectErrorStream(true).start();
      String first = new BufferedReader(new InputStreamReader(listener.getInputStream(),
          StandardCharsets.UTF_8)).readLine();
      if (!"listening".equals(first)) {
        listener.destroyForcibly();
        throw new IllegalStateException("could not listen on port " + port + " in " + namespace + ": " + first);
      }
      return () -> {
        listener.destroyForcibly();
        listener.waitFor(10, TimeUnit.SECONDS);
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static boolean userExists(String user) {
    try {
      exec(List.of("getent", "passwd", user));
      return true;
    } catch (IllegalStateException absent) {
      return false;
    }
  }

  /**
   * What a lane that failed half-way left of a slot on the machine's shared filesystem: its unit, its user and its
   * data. A leftover would hold its ports and refuse the next run's preflight.
   */
  public static void removeSlot(String slot) {
    try {
      Files.deleteIfExists(unitFile(slot));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    if (userExists(slot)) {
      exec(List.of("userdel", slot));
    }
    exec(List.of("rm", "-rf", dataDirectory(slot).toString(), "/etc/seedbox/slots/" + slot + ".json",
        diskImage(slot).toString(), "/etc/systemd/system/srv-seedbox-" + slot.replace("-", "\\x2d") + ".mount"));
  }

  /** Where the host script keeps a slot's own disk on a file system without user quotas. */
  public static Path diskImage(String slot) {
    return Path.of(HostBootstrap.DATA_ROOT, ".images", slot + ".img");
  }

  /**
   * Runs a command as the server sees the machine: in sshd's mount namespace, where the host script's mounts are
   * ({@code ip netns exec} gave sshd one of its own, and mounts made there do not reach the rig's).
   */
  String onServer(List<String> command) {
    List<String> argv = new ArrayList<>(List.of("nsenter", "--target", Long.toString(sshd.pid()), "--mount",
        "--net", "--"));
    argv.addAll(command);
    return exec(argv);
  }

  /** The server's mount table, as its processes see it. */
  String serverMounts() {
    try {
      return Files.readString(Path.of("/proc", Long.toString(sshd.pid()), "mounts"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path unitFile(String slot) {
    return Path.of("/etc/systemd/system", "seedbox-" + slot + ".service");
  }

  public static Path dataDirectory(String slot) {
    return Path.of(HostBootstrap.DATA_ROOT, slot);
  }

  private void network() {
    String host = "sbxh" + index + "x" + namespace.substring(namespace.length() - 3);
    String guest = "sbxg" + index + "x" + namespace.substring(namespace.length() - 3);
    exec(List.of("ip", "netns", "add", namespace));
    cleanup.add(0, "ip netns del " + namespace);
    exec(List.of("ip", "link", "add", host, "type", "veth", "peer", "name", guest));
    cleanup.add(0, "ip link del " + host);
    exec(List.of("ip", "link", "set", guest, "netns", namespace));
    exec(List.of("ip", "addr", "add", rigAddress + "/30", "dev", host));
    exec(List.of("ip", "link", "set", host, "up"));
    inNamespace(List.of("ip", "addr", "add", address + "/30", "dev", guest));
    inNamespace(List.of("ip", "link", "set", guest, "up"));
    inNamespace(List.of("ip", "link", "set", "lo", "up"));
  }

  private void adminUser() {
    exec(List.of("useradd", "--create-home", "--shell", "/bin/bash", adminUser));
    cleanup.add(0, "userdel --remove " + adminUser);
    // no password at all, yet not locked: sshd (without PAM here) refuses locked accounts even for keys
    exec(List.of("usermod", "-p", "*", adminUser));
    Path ssh = Path.of("/home", adminUser, ".ssh");
    write(ssh.resolve("authorized_keys"), managementKey.publicKey().line() + "\n", "rw-------");
    exec(List.of("chmod", "700", ssh.toString()));
    exec(List.of("chown", "-R", adminUser + ":" + adminUser, ssh.toString()));
  }

  private void hostScript() {
    Path script = Path.of(HostScript.PATH);
    write(script, HostScript.text(), "rwxr-xr-x");
    standIn();
    sudoRule(adminUser, HostScript.sudoersRule(adminUser));
  }

  private void standIn() {
    write(dir.resolve("bin").resolve("systemctl"), resource("systemctl-standin"), "rwxr-xr-x");
  }

  /** {@code rules} for {@code user}, whose sudo path starts with the systemctl stand-in. */
  private void sudoRule(String user, String rules) {
    Path sudoers = Path.of("/etc/sudoers.d", "seedbox-" + user);
    write(sudoers, "Defaults:" + user + " secure_path=" + dir.resolve("bin") + ":/usr/local/sbin:/usr/local/bin"
        + ":/usr/sbin:/usr/bin:/sbin:/bin\n" + rules, "r--r-----");
    cleanup.add(0, "rm -f " + sudoers);
    exec(List.of("visudo", "-c", "-q", "-f", sudoers.toString()));
  }

  private void sshd(String hardening) {
    Path key = dir.resolve("ssh_host_ed25519_key");
    write(key, hostKey.privateKey().openSshText(), "rw-------");
    Path config = dir.resolve("sshd_config");
    write(config, String.join("\n",
        "ListenAddress " + address,
        "Port 22",
        "HostKey " + key,
        "PidFile " + dir.resolve("sshd.pid"),
        "AuthorizedKeysFile .ssh/authorized_keys",
        "UsePAM no",
        "LogLevel VERBOSE",
        hardening),
        "rw-------");
    try {
      Files.createDirectories(Path.of("/run/sshd"));
      sshd = new ProcessBuilder("ip", "netns", "exec", namespace, "/usr/sbin/sshd", "-D", "-e", "-f",
          config.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
    while (Instant.now().isBefore(deadline)) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(address, 22), 500);
        return;
      } catch (IOException notYet) {
        if (!sshd.isAlive()) {
          throw new IllegalStateException("sshd exited: " + sshdLog());
        }
        sleep(100);
      }
    }
    throw new IllegalStateException("sshd did not listen on " + address + ":22 within 15 s: " + sshdLog());
  }

  String sshdLog() {
    try {
      return Files.readString(dir.resolve("sshd.log"));
    } catch (IOException e) {
      return "(no sshd log)";
    }
  }

  String inNamespace(List<String> command) {
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    argv.addAll(command);
    return exec(argv);
  }

  @Override
  public void close() {
    if (sshd != null) {
      sshd.destroy();
    }
    // whatever still runs in the namespace (a client the test left running) ends with it
    try {
      for (String pid : exec(List.of("ip", "netns", "pids", namespace)).split("\\s+")) {
        if (!pid.isBlank()) {
          exec(List.of("kill", "-9", pid));
        }
      }
    } catch (IllegalStateException alreadyGone) {
      // the namespace was never made
    }
    for (String step : cleanup) {
      try {
        exec(List.of("sh", "-c", step));
      } catch (IllegalStateException e) {
        System.err.println("real-host rig: cleanup step '" + step + "' failed: " + e.getMessage());
      }
    }
    exec(List.of("rm", "-rf", dir.toString()));
  }

  static String exec(List<String> argv) {
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", argv) + " did not finish in 60 s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", argv) + " exited " + p.exitValue() + ": " + out.strip());
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", argv) + " could not run: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + argv.get(0));
    }
  }

  private static void write(Path path, String content, String permissions) {
    try {
      Files.createDirectories(path.getParent());
      Files.writeString(path, content);
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = NetnsHost.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package dev.seedbox.hostchannel.inmemory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.seedbox.hostchannel.HostChannel;
import dev.seedbox.hostchannel.HostReply;
import dev.seedbox.hostchannel.HostScript;
import dev.seedbox.hostchannel.HostTarget;
import dev.seedbox.hostchannel.HostVerb;
import dev.seedbox.hostchannel.https.CertificateCheck;
import dev.seedbox.hostchannel.https.CertificateState;
import dev.seedbox.hostchannel.webui.LoginCheck;
import dev.seedbox.hostchannel.webui.WebUiLogin;
import dev.seedbox.keys.key.OpenSshPublicKey;
import dev.seedbox.keys.key.SshKeyPair;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * Seedbox servers held in memory, with the host script's contract: the same verbs, arguments, refusals and
 * idempotence for each client it installs, a web UI login that accepts exactly the credentials last set while the
 * client runs (the password alone for Deluge, whose web UI has no user name), the host key
 * pin checked, a latency per command and faults a test can inject. It serves the dev stack, the operator tests and
 * the benchmarks, where no real server exists.
 */
public final class InMemoryHost implements HostChannel, WebUiLogin, CertificateCheck {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern SLOT = Pattern.compile("sb-[a-z0-9]{4,28}");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String LOOPBACK = "127.0.0.1";
  private static final int HTTPS_PORT = 443;
  private static final Duration CERTIFICATE_VALIDITY = Duration.ofDays(90);
  private static final String ISSUER = "CN=in-memory ACME";
  /** How the script reports a certificate's end, as {@code openssl x509 -enddate} prints it. */
  private static final DateTimeFormatter OPENSSL_DATE = DateTimeFormatter.ofPattern("MMM d HH:mm:ss yyyy 'GMT'",
      Locale.ROOT).withZone(ZoneOffset.UTC);
  /** The clients the host script installs, as {@code client} names them. */
  private static final Set<String> CLIENTS = Set.of("qbittorrent", "transmission", "deluge", "rtorrent");
  /** Deluge's web UI has a password and no user name: whatever name a login sends is not looked at. */
  private static final String PASSWORD_ONLY = "deluge";

  /** A fault to inject on one host: every command it concerns fails this way until cleared. */
  public enum Fault {
    /** Nothing answers on SSH or the web UI. */
    UNREACHABLE,
    /** The client's process is gone: health says not running, the web UI refuses connections. */
    CLIENT_CRASHED,
    /** The web UI refuses every login. */
    REJECT_LOGINS,
    /** The first boot has not finished: boot-status says running. */
    BOOTING,
    /** The first boot failed (cloud-init reported an error): boot-status says error. */
    BOOT_FAILED,
    /** set-credentials is refused, as by a client whose configuration cannot be written. */
    REFUSE_CREDENTIALS,
    /** A customer's server whose user cannot run sudo without a password. */
    NO_SUDO,
    /** A customer's server that runs neither Debian nor Ubuntu. */
    UNSUPPORTED_OS,
    /** A customer's server with 1 GiB of free disk. */
    DISK_TOO_SMALL,
    /** Caddy gets no certificate (the hostname does not resolve to the server yet): sites have none. */
    NO_CERTIFICATE
  }

  /**
   * @param httpsSites each slot's HTTPS site; its certificate is issued the moment the site is configured
   * @param hostScript whether the host script is installed (cloud-init installs it on servers we create)
   * @param busyPorts ports something else on the server listens on
   * @param diskLimits each slot's disk limit in MiB, set before or after its install and kept with its data
   */
  private record Server(String hostKeyFingerprint, Set<String> authorizedKeys, Map<String, Slot> slots,
      Map<String, Site> httpsSites, AtomicBoolean hostScript, Set<Integer> busyPorts, Map<String, Integer> diskLimits) {
    Server(String hostKeyFingerprint, boolean hostScript) {
      this(hostKeyFingerprint, ConcurrentHashMap.newKeySet(), new ConcurrentHashMap<>(), new ConcurrentHashMap<>(),
          new AtomicBoolean(hostScript), ConcurrentHashMap.newKeySet(), new ConcurrentHashMap<>());
    }
  }

  /** A slot's web UI behind HTTPS at {@code hostname}, with a certificate valid until {@code notAfter}. */
  private record Site(String hostname, int webUiPort, Instant notAfter) {
  }

  private static final class Slot {
    String client;
    int webUiPort;
    String bindAddress = "0.0.0.0";
    int listenPort;
    String username;
    byte[] salt;
    byte[] passwordDigest;
    boolean running;
  }

  /** The smallest disk the script makes: ext4's own metadata needs room. */
  private static final int MIN_DISK_MIB = 64;

  private final Map<String, Server> servers = new ConcurrentHashMap<>();
  private final Map<String, Fault> faults = new ConcurrentHashMap<>();
  private final Duration latency;
  private final Clock clock;
  private volatile Fault onBoot;

  public InMemoryHost(Duration latency) {
    this(latency, Clock.systemUTC());
  }

  /** @param clock when certificates are issued and lapse */
  public InMemoryHost(Duration latency, Clock clock) {
    this.latency = Objects.requireNonNull(latency, "latency");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A server as cloud-init leaves it: our host key and the management key authorised for the admin user. */
  public void boot(String host, String hostKeyFingerprint, String managementKeyFingerprint) {
    servers.put(host, new Server(hostKeyFingerprint, true));
    servers.get(host).authorizedKeys().add(managementKeyFingerprint);
    Fault fault = onBoot;
    if (fault != null) {
      faults.put(host, fault);
    }
  }

  /**
   * A server that cloud-init prepared from {@code userData} (as {@link dev.seedbox.hostchannel.HostBootstrap} renders
   * it): the host key it installs and the management key it authorises. User data of any other form leaves a server
   * the host channel cannot reach, as a real one would be.
   */
  public void boot(String host, String userData) {
    try {
      JsonNode doc = YAML.readTree(userData);
      String hostKey = doc.path("ssh_keys").path("ed25519_public").asText("");
      String managementKey = doc.path("users").path(0).path("ssh_authorized_keys").path(0).asText("");
      if (hostKey.isEmpty() || managementKey.isEmpty()) {
        return;
      }
      boot(host, OpenSshPublicKey.parse(hostKey).fingerprint(), OpenSshPublicKey.parse(managementKey).fingerprint());
    } catch (IOException | RuntimeException e) {
      // not our bootstrap: nothing authorises our key there
    }
  }

  /**
   * A customer's own server (BYOS): its host key, no key of ours authorised yet and no host script; the customer
   * authorises a key with {@link #authorize} as the onboarding command would.
   */
  public void addCustomerServer(String host, String hostKeyFingerprint) {
    servers.putIfAbsent(host, new Server(hostKeyFingerprint, false));
  }

  /** The onboarding command run on the server: {@code keyFingerprint} may log in from now on. */
  public void authorize(String host, String keyFingerprint) {
    server(host).authorizedKeys().add(keyFingerprint);
  }

  /** The customer removed the key from {@code authorized_keys}. */
  public void deauthorize(String host, String keyFingerprint) {
    server(host).authorizedKeys().remove(keyFingerprint);
  }

  /** Something other than a seedbox listens on {@code port} on the server. */
  public void occupyPort(String host, int port) {
    server(host).busyPorts().add(port);
  }

  /** What listened on {@code port} is gone. */
  public void freePort(String host, int port) {
    server(host).busyPorts().remove(port);
  }

  /** The slots installed on the server, by name, with their web UI port. */
  public Map<String, Integer> slots(String host) {
    Map<String, Integer> ports = new java.util.TreeMap<>();
    server(host).slots().forEach((name, slot) -> ports.put(name, slot.webUiPort));
    return ports;
  }

  private Server server(String host) {
    Server server = servers.get(host);
    if (server == null) {
      throw new IllegalArgumentException("no server " + host + " on this in-memory host");
    }
    return server;
  }

  public void remove(String host) {
    servers.remove(host);
  }

  public void inject(String host, Fault fault) {
    faults.put(host, fault);
  }

  /**
   * Every server booted from now on starts with {@code fault} (null: none), for faults that must hold from the first
   * command, before anyone outside knows the server's address.
   */
  public void injectOnBoot(Fault fault) {
    onBoot = fault;
  }

  public void clear(String host) {
    faults.remove(host);
  }

  @Override
  public HostReply ensureHostScript(HostTarget target, SshKeyPair key) {
    pause();
    Optional<HostReply> refused = connect(target, key);
    if (refused.isPresent()) {
      return refused.get();
    }
    // like the real channel, a current script is found through its own sudo rule before full sudo is needed
    AtomicBoolean hostScript = servers.get(target.host()).hostScript();
    if (hostScript.get()) {
      return done(Map.of("installed", false));
    }
    if (faults.get(target.host()) == Fault.NO_SUDO) {
      return new HostReply.Refused("ByosSudoRequired", "user " + target.user() + " on " + target.host()
          + " cannot run sudo without a password: sudo: a password is required");
    }
    boolean installed = !hostScript.getAndSet(true);
    return done(Map.of("installed", installed));
  }

  /** The SSH handshake: empty when we are logged in, else why not. */
  private Optional<HostReply> connect(HostTarget target, SshKeyPair key) {
    Server server = servers.get(target.host());
    if (server == null || faults.get(target.host()) == Fault.UNREACHABLE) {
      return Optional.of(new HostReply.Unreachable("could not connect to " + target.host() + " port "
          + target.port()));
    }
    if (!server.hostKeyFingerprint().equals(target.hostKeyFingerprint())) {
      return Optional.of(new HostReply.HostKeyMismatch(target.hostKeyFingerprint(), server.hostKeyFingerprint()));
    }
    if (!server.authorizedKeys().contains(key.publicKey().fingerprint())) {
      return Optional.of(new HostReply.AuthenticationRejected("the server at " + target.host()
          + " refused our key for user " + target.user()));
    }
    return Optional.empty();
  }

  @Override
  public HostReply run(HostTarget target, SshKeyPair key, HostVerb verb, Map<String, Object> args) {
    pause();
    Optional<HostReply> refused = connect(target, key);
    if (refused.isPresent()) {
      return refused.get();
    }
    Server server = servers.get(target.host());
    if (!server.hostScript().get()) {
      return faults.get(target.host()) == Fault.NO_SUDO
          ? new HostReply.Refused("SudoRefused", "sudo refused the host script: sudo: a password is required")
          : new HostReply.Refused("HostScriptMissing", "the host script is not installed on " + target.host());
    }
    if (verb == HostVerb.VERSION) {
      return done(Map.of());
    }
    if (verb == HostVerb.BOOT_STATUS) {
      Fault fault = faults.get(target.host());
      return fault == Fault.BOOTING ? done(Map.of("state", "running"))
          : fault == Fault.BOOT_FAILED ? done(Map.of("state", "error", "detail", "package installation failed"))
          : done(Map.of("state", "done"));
    }
    Object slotName = args.get("slot");
    if (!(slotName instanceof String name) || !SLOT.matcher(name).matches()) {
      return new HostReply.Refused("InvalidArgument", "argument 'slot' does not have the expected form");
    }
    // like the script, the HTTPS status and removal name only the slot
    boolean slotOnly = verb == HostVerb.HTTPS_STATUS || verb == HostVerb.REMOVE_HTTPS;
    if (!slotOnly && !(args.get("client") instanceof String client && CLIENTS.contains(client))) {
      return new HostReply.Refused("ClientNotSupported", "client '" + args.get("client")
          + "' is not one this server script installs");
    }
    synchronized (server) {
      return slotCommand(server, target.host(), name, verb, args);
    }
  }

  private HostReply slotCommand(Server server, String host, String name, HostVerb verb, Map<String, Object> args) {
    Slot slot = server.slots().get(name);
    switch (verb) {
      case PREFLIGHT -> {
        return preflight(server, host, name, args);
      }
      case INSTALL_CLIENT -> {
        boolean changed = slot == null;
        if (slot == null) {
          slot = new Slot();
          server.slots().put(name, slot);
        }
        if (!(args.get("webUiPort") instanceof Integer port)) {
          return new HostReply.Refused("InvalidArgument", "expected argument 'webUiPort' to be a port 1024-65535");
        }
        changed |= slot.webUiPort != port || !args.get("client").equals(slot.client);
        slot.webUiPort = port;
        slot.client = (String) args.get("client");
        slot.listenPort = args.get("listenPort") instanceof Integer listen ? listen : 0;
        String bind = args.get("bindAddress") instanceof String address ? address : "0.0.0.0";
        changed |= !bind.equals(slot.bindAddress);
        slot.bindAddress = bind;
        return done(Map.of("unitChanged", changed));
      }
      case UNINSTALL -> {
        server.slots().remove(name);
        boolean deleteData = Boolean.TRUE.equals(args.get("deleteData"));
        if (deleteData) {
          server.diskLimits().remove(name);
        }
        return done(Map.of("dataKept", !deleteData));
      }
      case LIMIT_DISK -> {
        return limitDisk(server, name, args);
      }
      case CONFIGURE_HTTPS -> {
        if (!(args.get("hostname") instanceof String hostname) || !(args.get("webUiPort") instanceof Integer port)
            || !(args.get("acmeDirectory") instanceof String)) {
          return new HostReply.Refused("InvalidArgument",
              "expected arguments 'hostname', 'webUiPort' and 'acmeDirectory'");
        }
        Site before = server.httpsSites().get(name);
        boolean changed = before == null || !before.hostname().equals(hostname) || before.webUiPort() != port;
        if (changed) {
          server.httpsSites().put(name, new Site(hostname, port, clock.instant().plus(CERTIFICATE_VALIDITY)));
        }
        return done(Map.of("hostname", hostname, "changed", changed));
      }
      case HTTPS_STATUS -> {
        Site site = server.httpsSites().get(name);
        if (site != null && faults.get(host) == Fault.NO_CERTIFICATE) {
          return done(Map.of("configured", true, "hostname", site.hostname(), "certificate", false, "running", true));
        }
        return site == null ? done(Map.of("configured", false, "certificate", false, "running", false))
            : done(Map.of("configured", true, "hostname", site.hostname(), "certificate", true, "running", true,
                "notAfter", OPENSSL_DATE.format(site.notAfter())));
      }
      case REMOVE_HTTPS -> {
        return done(Map.of("removed", server.httpsSites().remove(name) != null));
      }
      case HEALTH -> {
        boolean running = slot != null && slot.running && faults.get(host) != Fault.CLIENT_CRASHED;
        Map<String, Object> health = new java.util.HashMap<>(Map.of("installed", slot != null, "running", running,
            "credentialsSet", slot != null && slot.passwordDigest != null));
        health.putAll(diskUsage(server, name));
        return done(health);
      }
      default -> {
      }
    }
    if (slot == null) {
      return new HostReply.Refused("ClientNotInstalled", "slot " + name + " has no installed client");
    }
    switch (verb) {
      case SET_CREDENTIALS -> {
        if (faults.get(host) == Fault.REFUSE_CREDENTIALS) {
          return new HostReply.Refused("CredentialsNotWritten", "the client's configuration could not be written");
        }
        if (!(args.get("password") instanceof String password) || password.length() < 12) {
          return new HostReply.Refused("InvalidArgument", "expected a printable password of 12-128 characters");
        }
        slot.username = String.valueOf(args.get("username"));
        slot.salt = new byte[16];
        RANDOM.nextBytes(slot.salt);
        slot.passwordDigest = digest(slot.salt, password);
        return done(Map.of("restarted", slot.running));
      }
      case START -> {
        if (slot.passwordDigest == null) {
          return new HostReply.Refused("CredentialsNotSet", "slot " + name + " has no web UI credentials yet");
        }
        slot.running = true;
        return done(Map.of("running", true));
      }
      case STOP -> {
        slot.running = false;
        return done(Map.of("running", false));
      }
      default -> throw new IllegalStateException("unhandled host verb " + verb);
    }
  }

  /** As the script on a file system without user quotas: a disk of the slot's own, grown but never shrunk. */
  private HostReply limitDisk(Server server, String name, Map<String, Object> args) {
    if (!(args.get("diskMiB") instanceof Integer mib) || mib < MIN_DISK_MIB) {
      return new HostReply.Refused("InvalidArgument", "expected argument 'diskMiB' to be a whole number of MiB, at "
          + "least " + MIN_DISK_MIB);
    }
    Integer before = server.diskLimits().get(name);
    if (before != null && before > mib) {
      return new HostReply.Refused("DiskLimitShrinkRefused", "slot " + name + " has a " + before
          + " MiB disk; a smaller one would cut its files");
    }
    server.diskLimits().put(name, mib);
    Map<String, Object> answer = new java.util.HashMap<>(Map.of("mechanism", "image", "diskMiB", mib));
    answer.putAll(diskUsage(server, name));
    return done(answer);
  }

  private static Map<String, Object> diskUsage(Server server, String name) {
    Integer limit = server.diskLimits().get(name);
    return limit == null ? Map.of() : Map.of("diskMounted", true, "diskUsedMiB", 0, "diskLimitMiB", limit);
  }

  /** The script's order: the arguments, then the OS, the disk and the ports; every other check passes here. */
  private HostReply preflight(Server server, String host, String name, Map<String, Object> args) {
    int[] ports = new int[2];
    String[] which = {"webUiPort", "listenPort"};
    for (int i = 0; i < ports.length; i++) {
      if (!(args.get(which[i]) instanceof Integer port) || port < 1024 || port > 65535) {
        return new HostReply.Refused("InvalidArgument", "expected argument '" + which[i] + "' to be a port 1024-65535");
      }
      ports[i] = port;
    }
    if (ports[0] == ports[1]) {
      return new HostReply.Refused("InvalidArgument", "the web UI port and the listen port must differ");
    }
    // any JSON integer, as the script reads it
    Object diskArg = args.get("diskGb");
    long disk = diskArg instanceof Integer || diskArg instanceof Long ? ((Number) diskArg).longValue() : -1;
    if (disk < 0) {
      return new HostReply.Refused("InvalidArgument", "expected argument 'diskGb' to be a whole number of GiB, 0 or "
          + "more");
    }
    Fault fault = faults.get(host);
    if (fault == Fault.UNSUPPORTED_OS) {
      return new HostReply.Refused("ByosUnsupportedOs", "the server runs Alpine Linux v3.20; a seedbox needs Debian "
          + "or Ubuntu");
    }
    long freeGb = fault == Fault.DISK_TOO_SMALL ? 1 : 500;
    if (disk > freeGb) {
      return new HostReply.Refused("ByosDiskTooSmall", "the plan needs " + disk + " GiB free for downloads under "
          + "/srv/seedbox; the filesystem of /srv has " + freeGb + ".0 GiB free");
    }
    for (int port : ports) {
      boolean taken = server.busyPorts().contains(port) || server.slots().entrySet().stream()
          .anyMatch(e -> !e.getKey().equals(name) && (e.getValue().webUiPort == port
              || e.getValue().listenPort == port));
      if (taken) {
        return new HostReply.Refused("ByosPortInUse", "port " + port + " is already in use on this server");
      }
    }
    // once our Caddy serves a site there, ports 80 and 443 are its own
    if (Boolean.TRUE.equals(args.get("https")) && server.httpsSites().isEmpty()) {
      for (int port : new int[] {80, 443}) {
        if (server.busyPorts().contains(port)) {
          return new HostReply.Refused("ByosHttpsPortInUse", "port " + port + " is already in use on this server; "
              + "the web UI is served over HTTPS by Caddy, which needs ports 80 and 443");
        }
      }
    }
    return done(Map.of("os", "debian 12", "architecture", "x86_64", "freeGb", freeGb));
  }

  /** The certificate of the site at {@code hostname} lapses at {@code notAfter} instead, as one Caddy did not renew. */
  public void certificateExpiresAt(String hostname, Instant notAfter) {
    for (Server server : servers.values()) {
      server.httpsSites().replaceAll((slot, site) -> site.hostname().equals(hostname)
          ? new Site(site.hostname(), site.webUiPort(), notAfter) : site);
    }
  }

  @Override
  public CertificateState check(String address, int port, String hostname) {
    pause();
    Server server = servers.get(address);
    if (server == null || port != HTTPS_PORT || faults.get(address) == Fault.UNREACHABLE
        || server.httpsSites().isEmpty()) {
      return new CertificateState.Unreachable("nothing answered on " + address + " port " + port);
    }
    if (faults.get(address) == Fault.NO_CERTIFICATE) {
      return new CertificateState.Invalid("the server at " + address + " has no certificate for " + hostname);
    }
    return server.httpsSites().values().stream().filter(site -> site.hostname().equals(hostname)).findFirst()
        .<CertificateState>map(site -> site.notAfter().isAfter(clock.instant())
            ? new CertificateState.Valid(site.notAfter(), ISSUER)
            : new CertificateState.Invalid("the certificate " + address + " presented for " + hostname
                + " expired at " + site.notAfter()))
        .orElseGet(() -> new CertificateState.Invalid("the server at " + address + " has no certificate for "
            + hostname));
  }

  @Override
  public LoginCheck login(URI webUi, String username, String password) {
    pause();
    if ("https".equals(webUi.getScheme())) {
      return httpsLogin(webUi, username, password);
    }
    Server server = servers.get(webUi.getHost());
    Fault fault = faults.get(webUi.getHost());
    if (server == null || fault == Fault.UNREACHABLE) {
      return new LoginCheck.Unreachable("could not reach the web UI at " + webUi);
    }
    synchronized (server) {
      for (Slot slot : server.slots().values()) {
        // a client bound to loopback answers only Caddy on the server itself
        if (slot.webUiPort == webUi.getPort() && !LOOPBACK.equals(slot.bindAddress)) {
          if (!slot.running || fault == Fault.CLIENT_CRASHED) {
            return new LoginCheck.Unreachable("could not reach the web UI at " + webUi + ": connection refused");
          }
          boolean accepted = fault != Fault.REJECT_LOGINS
              && (PASSWORD_ONLY.equals(slot.client) || username.equals(slot.username))
              && MessageDigest.isEqual(slot.passwordDigest, digest(slot.salt, password));
          return accepted ? new LoginCheck.Accepted()
              : new LoginCheck.Rejected("the web UI at " + webUi + " refused the credentials");
        }
      }
    }
    return new LoginCheck.Unreachable("could not reach the web UI at " + webUi + ": connection refused");
  }

  /** Through the site's Caddy to the slot's client, as the customer logs in at {@code https://<hostname>/}. */
  private LoginCheck httpsLogin(URI webUi, String username, String password) {
    for (Map.Entry<String, Server> entry : servers.entrySet()) {
      Server server = entry.getValue();
      synchronized (server) {
        for (Map.Entry<String, Site> site : server.httpsSites().entrySet()) {
          if (!site.getValue().hostname().equals(webUi.getHost())) {
            continue;
          }
          Fault fault = faults.get(entry.getKey());
          if (fault == Fault.UNREACHABLE || fault == Fault.NO_CERTIFICATE) {
            return new LoginCheck.Unreachable("could not reach the web UI at " + webUi);
          }
          if (!site.getValue().notAfter().isAfter(clock.instant())) {
            return new LoginCheck.Unreachable("the web UI at " + webUi + " presented a certificate that expired at "
                + site.getValue().notAfter());
          }
          Slot slot = server.slots().get(site.getKey());
          if (slot == null || slot.webUiPort != site.getValue().webUiPort() || !slot.running
              || fault == Fault.CLIENT_CRASHED) {
            return new LoginCheck.Unreachable("the web UI at " + webUi + " answered 502 Bad Gateway");
          }
          boolean accepted = fault != Fault.REJECT_LOGINS
              && (PASSWORD_ONLY.equals(slot.client) || username.equals(slot.username))
              && MessageDigest.isEqual(slot.passwordDigest, digest(slot.salt, password));
          return accepted ? new LoginCheck.Accepted()
              : new LoginCheck.Rejected("the web UI at " + webUi + " refused the credentials");
        }
      }
    }
    return new LoginCheck.Unreachable("could not reach the web UI at " + webUi + ": no server answers for "
        + webUi.getHost());
  }

  private static HostReply done(Map<String, Object> fields) {
    ObjectNode body = JSON.createObjectNode();
    body.put("ok", true).put("version", HostScript.VERSION);
    fields.forEach((k, v) -> body.set(k, JSON.valueToTree(v)));
    return new HostReply.Done((JsonNode) body);
  }

  private static byte[] digest(byte[] salt, String password) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(salt);
      return sha.digest(password.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private void pause() {
    if (latency.isZero()) {
      return;
    }
    try {
      Thread.sleep(latency.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

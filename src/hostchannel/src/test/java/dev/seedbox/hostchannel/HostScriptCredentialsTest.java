package dev.seedbox.hostchannel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host script's own part of each client, run by python3 on files in a temporary directory: the password forms
 * it writes are checked here the way each client checks a login, and the plain password is in none of its files;
 * and what a client's preflight refuses. (The real-host lane logs in to the real clients with them.)
 */
class HostScriptCredentialsTest {

  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir
  Path root;
  private final String password = password();

  @BeforeAll
  static void needsPython() {
    if (!Files.isExecutable(PYTHON)) {
      notRun(PYTHON + " is missing (apt-get install python3)");
    }
  }

  /** Says loudly that a check cannot run here; fails under CI, where .ci/run installs what it needs. */
  private static void notRun(String why) {
    String banner = "\n!!!! HostScriptCredentialsTest NOT RUN: " + why + " !!!!\n";
    System.err.println(banner);
    if ("true".equals(System.getenv("CI"))) {
      throw new IllegalStateException(banner);
    }
    Assumptions.abort(banner);
  }

  @Test
  void qbittorrentGetsItsPbkdf2Form() throws Exception {
    JsonNode files = run("qbittorrent", true);
    String conf = files.path(".config/qBittorrent/qBittorrent.conf").asText();
    Matcher hash = Pattern.compile("WebUI\\\\Password_PBKDF2=\"@ByteArray\\(([^:]+):([^)]+)\\)\"").matcher(conf);
    assertThat(hash.find()).as(conf).isTrue();
    byte[] salt = Base64.getDecoder().decode(hash.group(1));
    byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
        .generateSecret(new PBEKeySpec(password.toCharArray(), salt, 100_000, 512)).getEncoded();
    assertThat(Base64.getEncoder().encodeToString(key)).isEqualTo(hash.group(2));
    assertThat(conf).contains("WebUI\\Username=customer", "WebUI\\Address=127.0.0.1");
    assertNoPlainPassword();
  }

  @Test
  void transmissionGetsItsSaltedSha1FormAndAuthenticationOn() throws Exception {
    JsonNode settings = JSON.readTree(run("transmission", true)
        .path(".config/transmission-daemon/settings.json").asText());
    String stored = settings.path("rpc-password").asText();
    assertThat(stored).matches("\\{[0-9a-f]{40}[0-9A-Za-z./]{8}");
    String salt = stored.substring(41);
    assertThat(stored.substring(1, 41)).isEqualTo(sha1Hex(password + salt));
    assertThat(settings.path("rpc-username").asText()).isEqualTo("customer");
    assertThat(settings.path("rpc-authentication-required").asBoolean()).isTrue();
    assertThat(settings.path("rpc-bind-address").asText()).isEqualTo("127.0.0.1");
    assertThat(settings.path("rpc-port").asInt()).isEqualTo(19091);
    assertThat(settings.path("peer-port").asInt()).isEqualTo(16881);
    assertNoPlainPassword();
  }

  @Test
  void delugeGetsTheWebUisSaltedSha1AndADaemonOnlyItsWebUiCanUse() throws Exception {
    JsonNode files = run("deluge", true);
    JsonNode web = delugeSettings(files.path(".config/deluge/web.conf").asText(), 2);
    String salt = web.path("pwd_salt").asText();
    assertThat(salt).hasSize(40).isNotEqualTo("c26ab3bbd8b137f99cd83c2c1c0963bcc1a35cad");
    assertThat(web.path("pwd_sha1").asText()).isEqualTo(sha1Hex(salt + password));
    assertThat(web.path("first_login").asBoolean(true)).isFalse();
    assertThat(web.path("port").asInt()).isEqualTo(19091);
    assertThat(web.path("interface").asText()).isEqualTo("127.0.0.1");

    String auth = files.path(".config/deluge/auth").asText();
    assertThat(auth).matches("localclient:[0-9a-f]{40}:10\n");
    JsonNode host = delugeSettings(files.path(".config/deluge/hostlist.conf").asText(), 3).path("hosts").path(0);
    assertThat(host.path(1).asText()).isEqualTo("127.0.0.1");
    assertThat(host.path(3).asText()).isEqualTo("localclient");
    assertThat(host.path(4).asText()).isEqualTo(auth.split(":")[1]);
    assertThat(web.path("default_daemon").asText()).isEqualTo(host.path(0).asText());
    JsonNode core = delugeSettings(files.path(".config/deluge/core.conf").asText(), 1);
    assertThat(core.path("daemon_port").asInt()).isEqualTo(host.path(2).asInt()).isPositive();
    assertThat(core.path("allow_remote").asBoolean(true)).isFalse();
    assertThat(core.path("listen_ports").toString()).isEqualTo("[16881,16881]");
    assertNoPlainPassword();
  }

  @Test
  void rtorrentsFloodGetsAnArgon2idHashItsUserCanLogInWith() throws Exception {
    if (!pythonHas("argon2")) {
      notRun("python3 has no argon2 module to check Flood's hash with (apt-get install python3-argon2)");
    }
    JsonNode files = run("rtorrent", false);
    String[] lines = files.path(".flood/db/users.db").asText().split("\n");
    assertThat(lines).hasSize(2);
    JsonNode user = JSON.readTree(lines[1]);
    assertThat(user.path("username").asText()).isEqualTo("customer");
    assertThat(user.path("password").asText()).startsWith("$argon2id$");
    assertThat(user.path("level").asInt()).isEqualTo(10);
    assertThat(user.path("client").path("type").asText()).isEqualTo("socket");
    assertThat(user.path("client").path("socket").asText()).endsWith("/.rtorrent/scgi.socket");
    assertThat(files.path("verified").asBoolean()).as("argon2 verifies the password against the hash").isTrue();
    assertNoPlainPassword();
  }

  @Test
  void rtorrentsPreflightRefusesAServerWhoseAptOffersOnlyANodeTooOldForFlood() throws Exception {
    Path script = root.resolve("seedbox-host.py");
    Files.writeString(script, HostScript.text());
    // a server without node, whose apt would install Ubuntu 20.04's Node.js 10: apt-cache's answer as it prints it
    String driver = String.join("\n",
        "import importlib.machinery, importlib.util, json, subprocess, sys, types",
        "loader = importlib.machinery.SourceFileLoader('seedbox_host', sys.argv[1])",
        "spec = importlib.util.spec_from_loader('seedbox_host', loader)",
        "host = importlib.util.module_from_spec(spec)",
        "loader.exec_module(host)",
        "host.shutil = types.SimpleNamespace(which=lambda name: None)",
        "policy = b'nodejs:\\n  Installed: (none)\\n  Candidate: 10.19.0~dfsg-3ubuntu1\\n'",
        "host.subprocess = types.SimpleNamespace(DEVNULL=subprocess.DEVNULL, PIPE=subprocess.PIPE,",
        "    run=lambda argv, **kw: types.SimpleNamespace(stdout=policy, returncode=0))",
        "try:",
        "    host.CLIENTS['rtorrent'].preflight()",
        "    print(json.dumps({'refused': False}))",
        "except host.Refused as refused:",
        "    print(json.dumps({'refused': True, 'reason': refused.reason, 'message': refused.message}))",
        "for name in ('qbittorrent', 'transmission', 'deluge'):",
        "    host.CLIENTS[name].preflight()");
    Process python = new ProcessBuilder(PYTHON.toString(), "-c", driver, script.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    python.getOutputStream().close();
    String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(python.exitValue()).as(out).isZero();
    JsonNode answer = JSON.readTree(out);
    assertThat(answer.path("refused").asBoolean()).as(out).isTrue();
    assertThat(answer.path("reason").asText()).isEqualTo("ByosUnsupportedOs");
    assertThat(answer.path("message").asText()).contains("Node.js 16 or later", "10.19.0");
  }

  /**
   * Loads the script as a module with its data root under the temporary directory, configures a slot of
   * {@code client} (unless {@code configure} is false: rTorrent's would install Flood) and sets its password; the
   * answer maps each file below the slot's home to its text.
   */
  private JsonNode run(String client, boolean configure) throws Exception {
    Path script = root.resolve("seedbox-host.py");
    Files.writeString(script, HostScript.text());
    String driver = String.join("\n",
        "import importlib.machinery, importlib.util, json, os, pwd, sys",
        "loader = importlib.machinery.SourceFileLoader('seedbox_host', sys.argv[1])",
        "spec = importlib.util.spec_from_loader('seedbox_host', loader)",
        "host = importlib.util.module_from_spec(spec)",
        "loader.exec_module(host)",
        "host.DATA_ROOT = os.path.join(sys.argv[2], 'srv')",
        "host.SLOTS_DIR = os.path.join(sys.argv[2], 'slots')",
        "slot = host.Slot({'slot': 'sb-unittest1', 'client': sys.argv[3]})",
        "owner = pwd.getpwuid(os.getuid())",
        "downloads = os.path.join(slot.home, 'downloads')",
        "os.makedirs(downloads)",
        "if sys.argv[4] == 'yes':",
        "    ports = slot.kind.ports(slot, 19091, 16881)",
        "    slot.kind.configure(slot, owner, ports, '127.0.0.1', downloads)",
        "password = sys.stdin.read()",
        "slot.kind.set_password(slot, owner, 'customer', password)",
        "files = {'passwordSet': slot.kind.password_set(slot)}",
        "for directory, _, names in os.walk(slot.home):",
        "    for name in names:",
        "        path = os.path.join(directory, name)",
        "        files[os.path.relpath(path, slot.home)] = open(path, encoding='utf-8').read()",
        "if sys.argv[3] == 'rtorrent':",
        "    import argon2",
        "    user = json.loads(files['.flood/db/users.db'].splitlines()[1])",
        "    files['verified'] = argon2.PasswordHasher().verify(user['password'], password)",
        "print(json.dumps(files))");
    Process python = new ProcessBuilder(PYTHON.toString(), "-c", driver, script.toString(), root.toString(), client,
        configure ? "yes" : "no").redirectError(ProcessBuilder.Redirect.INHERIT).start();
    python.getOutputStream().write(password.getBytes(StandardCharsets.UTF_8));
    python.getOutputStream().close();
    String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(python.exitValue()).as(out).isZero();
    JsonNode files = JSON.readTree(out);
    assertThat(files.path("passwordSet").asBoolean()).as("the script sees the password as set").isTrue();
    return files;
  }

  private void assertNoPlainPassword() throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      List<Path> holding = walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".py"))
          .filter(p -> {
            try {
              return Files.readString(p, StandardCharsets.ISO_8859_1).contains(password);
            } catch (IOException e) {
              return false;
            }
          }).toList();
      assertThat(holding).as("files holding the plain password").isEmpty();
    }
  }

  /** A Deluge configuration file: the version object, then the settings. */
  private static JsonNode delugeSettings(String text, int fileVersion) throws IOException {
    var parser = JSON.getFactory().createParser(text);
    JsonNode header = JSON.readTree(parser);
    assertThat(header.path("file").asInt()).isEqualTo(fileVersion);
    assertThat(header.path("format").asInt()).isEqualTo(1);
    return JSON.readTree(parser);
  }

  private static boolean pythonHas(String module) throws Exception {
    Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import " + module).start();
    return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
  }

  private static String sha1Hex(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static String password() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}

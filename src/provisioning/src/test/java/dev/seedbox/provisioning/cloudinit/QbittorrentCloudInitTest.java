package dev.seedbox.provisioning.cloudinit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class QbittorrentCloudInitTest {

  private static final String PASSWORD = "correct-horse-battery-staple";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static String hash;
  private static String userData;
  private static JsonNode doc;

  @BeforeAll
  static void render() throws Exception {
    hash = QbittorrentPassword.hash(PASSWORD);
    userData = QbittorrentCloudInit.withDefaultPorts("seedbox", hash).render();
    doc = YAML.readTree(userData);
  }

  private static JsonNode file(String path) {
    for (JsonNode file : doc.path("write_files")) {
      if (file.path("path").asText().equals(path)) {
        return file;
      }
    }
    throw new AssertionError("no write_files entry for " + path);
  }

  private static List<String> commands() {
    List<String> commands = new ArrayList<>();
    doc.path("runcmd").forEach(c -> {
      List<String> words = new ArrayList<>();
      c.forEach(w -> words.add(w.asText()));
      commands.add(String.join(" ", words));
    });
    return commands;
  }

  @Test
  void isCloudConfigYamlThatInstallsQbittorrentNox() {
    assertThat(userData).startsWith("#cloud-config\n");
    assertThat(doc.path("packages")).extracting(JsonNode::asText).contains("qbittorrent-nox", "ufw");
  }

  @Test
  void neverContainsThePlainPassword() {
    assertThat(userData).doesNotContain(PASSWORD);
    assertThat(new QbittorrentCloudInit("seedbox", hash, 8080, 6881).toString()).doesNotContain(hash);
  }

  @Test
  void runsTheClientAsANonRootSystemUserFromASystemdUnit() {
    JsonNode user = doc.path("users").get(1);
    assertThat(user.path("name").asText()).isEqualTo("qbittorrent");
    assertThat(user.path("system").asBoolean()).isTrue();
    assertThat(user.path("shell").asText()).isEqualTo("/usr/sbin/nologin");

    String unit = file(QbittorrentCloudInit.UNIT_FILE).path("content").asText();
    assertThat(unit).contains("User=qbittorrent", "ExecStart=/usr/bin/qbittorrent-nox --webui-port=8080",
        "WantedBy=multi-user.target").doesNotContain("User=root");
    assertThat(commands()).contains("systemctl enable --now qbittorrent-nox.service");
  }

  @Test
  void opensOnlySshTheWebUiAndTheListenPort() {
    assertThat(commands()).containsSubsequence("ufw default deny incoming", "ufw allow 22/tcp",
        "ufw allow 8080/tcp", "ufw allow 6881/tcp", "ufw allow 6881/udp", "ufw --force enable");
    assertThat(commands()).filteredOn(c -> c.startsWith("ufw allow")).hasSize(4);
    String conf = file(QbittorrentCloudInit.CONFIG_FILE).path("content").asText();
    assertThat(conf).contains("WebUI\\Port=8080", "Session\\Port=6881", "Connection\\PortRangeMin=6881");
  }

  @Test
  void configHoldsAPbkdf2HashThatAnIndependentImplementationReproduces() {
    JsonNode config = file(QbittorrentCloudInit.CONFIG_FILE);
    assertThat(config.path("permissions").asText()).isEqualTo("0600");
    assertThat(config.path("defer").asBoolean()).as("written after the user exists").isTrue();
    Matcher m = Pattern.compile("WebUI\\\\Password_PBKDF2=\"@ByteArray\\(([^:]+):([^)]+)\\)\"")
        .matcher(config.path("content").asText());
    assertThat(m.find()).isTrue();
    byte[] salt = Base64.getDecoder().decode(m.group(1));
    byte[] key = Base64.getDecoder().decode(m.group(2));
    assertThat(salt).hasSize(16);
    assertThat(key).hasSize(64);

    PKCS5S2ParametersGenerator pbkdf2 = new PKCS5S2ParametersGenerator(new SHA512Digest());
    pbkdf2.init(PASSWORD.getBytes(StandardCharsets.UTF_8), salt, 100_000);
    byte[] expected = ((KeyParameter) pbkdf2.generateDerivedParameters(512)).getKey();
    assertThat(key).isEqualTo(expected);
  }

  @Test
  void eachHashHasItsOwnSalt() {
    assertThat(QbittorrentPassword.hash(PASSWORD)).isNotEqualTo(hash);
  }

  @Test
  void refusesAPlainPasswordWhereTheHashBelongsWithoutEchoingIt() {
    assertThatThrownBy(() -> QbittorrentCloudInit.withDefaultPorts("seedbox", PASSWORD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining(PASSWORD);
  }

  @Test
  void refusesPortsThatCollide() {
    assertThatThrownBy(() -> new QbittorrentCloudInit("seedbox", hash, 6881, 6881))
        .hasMessageContaining("must differ");
  }

  @Test
  void mountsThePlansVolumeByLabelWithNofailAtTheDownloadDirectoryBeforeTheClientStarts() throws Exception {
    JsonNode mount = file(QbittorrentCloudInit.MOUNT_SCRIPT);
    String script = mount.path("content").asText();

    assertThat(mount.path("owner").asText()).isEqualTo("root:root");
    assertThat(script).contains("label=seedbox-data\n", "dir=/var/lib/qbittorrent/downloads\n",
            "\"LABEL=$label $dir ext4 defaults,nofail,noatime 0 2\" >> /etc/fstab")
        .contains("/dev/disk/by-id/scsi-0DO_Volume_*", "/dev/disk/by-id/scsi-0HC_Volume_*")
        .as("formats only a device that has no filesystem yet, so an adopted volume keeps its data")
        .contains("if [ -z \"$(blkid -o value -s TYPE \"$dev\" || true)\" ]; then");
    assertThat(commands()).containsSubsequence(QbittorrentCloudInit.MOUNT_SCRIPT,
        "chown -R qbittorrent:qbittorrent /var/lib/qbittorrent", "systemctl enable --now qbittorrent-nox.service");
    assertThat(file(QbittorrentCloudInit.CONFIG_FILE).path("content").asText())
        .contains("Session\\DefaultSavePath=/var/lib/qbittorrent/downloads");
    assertThat(file(QbittorrentCloudInit.UNIT_FILE).path("content").asText())
        .contains("RequiresMountsFor=/var/lib/qbittorrent/downloads");
    assertThat(shellAccepts(script)).as("the mount script is valid POSIX sh").isTrue();
  }

  private static boolean shellAccepts(String script) throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("mount", ".sh");
    try {
      java.nio.file.Files.writeString(file, script);
      Process sh = new ProcessBuilder("sh", "-n", file.toString()).redirectErrorStream(true).start();
      String output = new String(sh.getInputStream().readAllBytes());
      int status = sh.waitFor();
      assertThat(output).isEmpty();
      return status == 0;
    } finally {
      java.nio.file.Files.delete(file);
    }
  }
}

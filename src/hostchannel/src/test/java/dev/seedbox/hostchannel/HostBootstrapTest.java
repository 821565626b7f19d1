package dev.seedbox.hostchannel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.seedbox.keys.key.Ed25519Keys;
import dev.seedbox.keys.key.SshKeyPair;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class HostBootstrapTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final SshKeyPair management = new Ed25519Keys().generate("seedbox-management@sb-1");
  private final SshKeyPair hostKey = new Ed25519Keys().generate("root@sb-1");
  private final HostBootstrap bootstrap = new HostBootstrap(HostBootstrap.DEFAULT_ADMIN_USER,
      management.publicKey(), hostKey, List.of("qbittorrent-nox"));

  @Test
  void theServerGetsOurHostKeyOneAdminUserWithOnlyOurKeyAndSudoForTheHostScriptAlone() throws Exception {
    JsonNode doc = YAML.readTree(bootstrap.render());

    assertThat(doc.path("ssh_pwauth").asBoolean(true)).isFalse();
    assertThat(doc.path("disable_root").asBoolean(false)).isTrue();
    assertThat(doc.path("ssh_deletekeys").asBoolean(false)).isTrue();
    assertThat(doc.path("ssh_genkeytypes").get(0).asText()).isEqualTo("ed25519");
    assertThat(doc.path("ssh_keys").path("ed25519_public").asText()).isEqualTo(hostKey.publicKey().line());
    assertThat(doc.path("ssh_keys").path("ed25519_private").asText()).isEqualTo(hostKey.privateKey().openSshText());
    assertThat(doc.path("users")).hasSize(1);
    JsonNode admin = doc.path("users").get(0);
    assertThat(admin.path("name").asText()).isEqualTo("seedbox");
    assertThat(admin.path("lock_passwd").asBoolean(false)).isTrue();
    assertThat(admin.path("ssh_authorized_keys")).hasSize(1);
    assertThat(admin.path("ssh_authorized_keys").get(0).asText()).isEqualTo(management.publicKey().line());
    assertThat(admin.has("sudo")).isFalse();
    assertThat(admin.has("passwd")).isFalse();
    assertThat(admin.has("plain_text_passwd")).isFalse();

    JsonNode files = doc.path("write_files");
    assertThat(files.findValuesAsText("path"))
        .containsExactly(HostScript.PATH, HostBootstrap.SUDOERS_FILE, HostBootstrap.SSHD_DROP_IN);
    assertThat(files.get(0).path("content").asText()).isEqualTo(HostScript.text());
    assertThat(files.get(1).path("content").asText())
        .isEqualTo("seedbox ALL=(root) NOPASSWD: " + HostScript.PATH + "\n");
    assertThat(files.get(1).path("permissions").asText()).isEqualTo("0440");
    assertThat(files.get(2).path("content").asText())
        .contains("PasswordAuthentication no", "PermitRootLogin no", "AllowUsers seedbox");
    assertThat(doc.path("packages").get(0).asText()).isEqualTo("qbittorrent-nox");
  }

  @Test
  void itCarriesNoPasswordAndItsDescriptionNoPrivateKey() throws Exception {
    JsonNode doc = YAML.readTree(bootstrap.render());
    assertThat(doc.has("chpasswd")).isFalse();
    assertThat(doc.has("password")).isFalse();
    // the host script knows the client's hash format; no file but the script mentions one
    JsonNode files = doc.path("write_files");
    for (int i = 1; i < files.size(); i++) {
      assertThat(files.get(i).path("content").asText()).doesNotContain("ByteArray").doesNotContainIgnoringCase("pbkdf2");
    }
    assertThat(bootstrap.toString()).doesNotContain("PRIVATE KEY").contains(hostKey.publicKey().fingerprint());
  }

  @Test
  void aPackageOrUserNameThatIsNotOneIsRefused() {
    assertThatThrownBy(() -> new HostBootstrap("seedbox", management.publicKey(), hostKey, List.of("curl; rm -rf /")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HostBootstrap("root ALL=(ALL)", management.publicKey(), hostKey, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Debian's own cloud-init validates the user data against its schema. */
  @Test
  void cloudInitAcceptsTheUserDataAgainstItsSchema() throws Exception {
    Path cloudInit = Path.of("/usr/bin/cloud-init");
    if (!Files.isExecutable(cloudInit)) {
      String why = "\n!!!! cloud-init schema check NOT RUN: /usr/bin/cloud-init is missing (apt-get install cloud-init;"
          + " .ci/run does) !!!!\n";
      System.err.println(why);
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException(why);
      }
      Assumptions.abort(why);
    }
    Path file = Files.createTempFile("seedbox-user-data", ".yaml");
    try {
      Files.writeString(file, bootstrap.render());
      Process check = new ProcessBuilder(cloudInit.toString(), "schema", "--config-file", file.toString())
          .redirectErrorStream(true).start();
      String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(check.exitValue()).as(out).isZero();
      assertThat(out).contains("Valid cloud-config");
    } finally {
      Files.deleteIfExists(file);
    }
  }
}

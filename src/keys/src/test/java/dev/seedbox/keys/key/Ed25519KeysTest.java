package dev.seedbox.keys.key;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seedbox.keys.testing.Commands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Ed25519KeysTest {

  /** The label ssh-keygen writes; spelled out here rather than taken from the class under test. */
  private static final String OPENSSH_PEM_LABEL = "OPENSSH PRIVATE KEY";

  private static final String COMMENT = "seedbox:tenant-a/home-server#3";

  private final Ed25519Keys keys = new Ed25519Keys();

  @TempDir
  Path dir;

  @Test
  void publicKeyIsAnOpenSshLineNamingTheConnection() {
    SshKeyPair pair = keys.generate(COMMENT);

    assertThat(pair.publicKey().line()).matches("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} "
        + "seedbox:tenant-a/home-server#3");
    assertThat(pair.publicKey().fingerprint()).matches("SHA256:[A-Za-z0-9+/]{43}");
    assertThat(OpenSshPublicKey.parse(pair.publicKey().line())).isEqualTo(pair.publicKey());
  }

  @Test
  void sshKeygenPrintsTheSameFingerprintForOurPublicKey() throws IOException {
    SshKeyPair pair = keys.generate(COMMENT);
    Path pub = Files.writeString(dir.resolve("id.pub"), pair.publicKey().line() + "\n");

    Commands.Result result = Commands.run("/usr/bin/ssh-keygen", "-lf", pub.toString());

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout().strip())
        .isEqualTo("256 " + pair.publicKey().fingerprint() + " " + COMMENT + " (ED25519)");
  }

  @Test
  void sshKeygenDerivesOurPublicKeyFromTheStoredPrivateKey() throws IOException {
    SshKeyPair pair = keys.generate(COMMENT);
    Path file = writePrivate(pair.privateKey());

    Commands.Result result = Commands.run("/usr/bin/ssh-keygen", "-y", "-f", file.toString());

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    // ssh-keygen prints the comment stored in the private key file, so this also proves we wrote it there
    assertThat(result.stdout().strip()).isEqualTo(pair.publicKey().line());
    assertThat(pair.privateKey().openSshText())
        .startsWith("-----BEGIN " + OPENSSH_PEM_LABEL + "-----\n")
        .endsWith("\n-----END " + OPENSSH_PEM_LABEL + "-----\n");
    for (String line : pair.privateKey().openSshText().split("\n")) {
      assertThat(line.length()).isLessThanOrEqualTo(70);
    }
  }

  @Test
  void readsBackTheKeyItStoredWithItsComment() {
    SshKeyPair pair = keys.generate(COMMENT);

    SshKeyPair read = keys.read(PrivateKeyMaterial.ofOpenSsh(pair.privateKey().openSshBytes()));

    assertThat(read.publicKey()).isEqualTo(pair.publicKey());
    assertThat(read.publicKey().comment()).isEqualTo(COMMENT);
  }

  @Test
  void readsAKeyThatSshKeygenGenerated() throws IOException {
    Path file = dir.resolve("theirs");
    Commands.Result generated = Commands.run("/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
        "made-by-ssh-keygen", "-f", file.toString());
    assertThat(generated.exitCode()).as(generated.stderr()).isZero();

    SshKeyPair read = keys.read(PrivateKeyMaterial.ofOpenSsh(Files.readAllBytes(file)));

    assertThat(read.publicKey().line()).isEqualTo(Files.readString(dir.resolve("theirs.pub")).strip());
  }

  @Test
  void refusesAPassphraseProtectedKeyNamingTheCipherOnly() throws IOException {
    Path file = dir.resolve("encrypted");
    Commands.Result generated = Commands.run("/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "a passphrase",
        "-C", "x", "-f", file.toString());
    assertThat(generated.exitCode()).as(generated.stderr()).isZero();
    byte[] text = Files.readAllBytes(file);

    assertThatThrownBy(() -> keys.read(PrivateKeyMaterial.ofOpenSsh(text)))
        .isInstanceOf(KeyFormatException.class)
        .hasMessage("expected cipher 'none' (an unencrypted key), found 'aes256-ctr'");
  }

  @Test
  void refusesAKeyWhosePublicPartWasSwapped() {
    SshKeyPair mine = keys.generate(COMMENT);
    SshKeyPair other = keys.generate(COMMENT);
    // graft the other key's public blob into our file: the seed no longer produces it
    String body = mine.privateKey().openSshText().replaceAll("-----[A-Z ]+-----|\\s", "");
    byte[] bytes = Base64.getDecoder().decode(body);
    byte[] mineBlob = mine.publicKey().blob();
    byte[] otherBlob = other.publicKey().blob();
    int at = indexOf(bytes, mineBlob);
    System.arraycopy(otherBlob, 0, bytes, at, otherBlob.length);
    String pem = "-----BEGIN " + OPENSSH_PEM_LABEL + "-----\n" + Base64.getMimeEncoder().encodeToString(bytes)
        + "\n-----END " + OPENSSH_PEM_LABEL + "-----\n";

    assertThatThrownBy(() -> keys.read(PrivateKeyMaterial.ofOpenSsh(pem.getBytes(StandardCharsets.US_ASCII))))
        .isInstanceOf(KeyFormatException.class)
        .hasMessage("expected the stored public key to match the private key, found a mismatch");
  }

  @Test
  void privateKeyNeverAppearsInToString() {
    SshKeyPair pair = keys.generate(COMMENT);
    String body = pair.privateKey().openSshText().split("\n")[1];

    assertThat(pair.privateKey().toString()).isEqualTo("PrivateKeyMaterial[redacted]");
    assertThat(pair.toString()).doesNotContain(body).doesNotContain("PRIVATE KEY").contains(COMMENT);
  }

  @Test
  void commentWithSpacesOrControlCharactersIsRefused() {
    assertThatThrownBy(() -> keys.generate("two words"))
        .isInstanceOf(KeyFormatException.class)
        .hasMessageContaining("without spaces or control characters");
    assertThatThrownBy(() -> keys.generate("line\nbreak"))
        .isInstanceOf(KeyFormatException.class)
        .hasMessageContaining("found one at index 4");
  }

  @Test
  void publicKeyLineOfAnotherTypeIsRefused() {
    assertThatThrownBy(() -> OpenSshPublicKey.parse("ssh-rsa AAAAB3NzaC1yc2E= someone"))
        .isInstanceOf(KeyFormatException.class)
        .hasMessage("expected key type ssh-ed25519, found 'ssh-rsa'");
  }

  private Path writePrivate(PrivateKeyMaterial key) throws IOException {
    Path file = dir.resolve("id_ed25519");
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(file, key.openSshBytes());
    return file;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("blob not found");
  }
}

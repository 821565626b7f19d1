package dev.seedbox.keys.onboarding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.keys.key.Ed25519Keys;
import dev.seedbox.keys.key.OpenSshPublicKey;
import dev.seedbox.keys.testing.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnboardingCommandTest {

  private final Ed25519Keys keys = new Ed25519Keys();

  @TempDir
  Path home;

  @Test
  void createsSshDirectoryAndAuthorizedKeysWithOwnerOnlyModes() throws IOException {
    OpenSshPublicKey key = keys.generate("seedbox:tenant-a/home#0").publicKey();

    Commands.Result result = runInHome("bash", OnboardingCommand.forKey(key));

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).isEqualTo("seedbox key authorised\n");
    assertThat(mode(home.resolve(".ssh"))).isEqualTo("rwx------");
    assertThat(mode(authorizedKeys())).isEqualTo("rw-------");
    assertThat(Files.readString(authorizedKeys())).isEqualTo(key.line() + "\n");
  }

  @Test
  void runningItTwiceLeavesOneLine() throws IOException {
    OpenSshPublicKey key = keys.generate("seedbox:tenant-a/home#0").publicKey();
    String command = OnboardingCommand.forKey(key);

    runInHome("bash", command);
    Commands.Result second = runInHome("bash", command);

    assertThat(second.exitCode()).as(second.stderr()).isZero();
    assertThat(second.stdout()).isEqualTo("seedbox key already authorised\n");
    assertThat(Files.readAllLines(authorizedKeys())).containsExactly(key.line());
  }

  @Test
  void keepsExistingKeysAndModesAndStartsItsOwnLineAfterAnUnterminatedOne() throws IOException {
    Path ssh = Files.createDirectory(home.resolve(".ssh"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
    String theirs = keys.generate("customer@laptop").publicKey().line();
    Files.writeString(ssh.resolve("authorized_keys"), theirs);
    Files.setPosixFilePermissions(authorizedKeys(), PosixFilePermissions.fromString("rw-r--r--"));
    OpenSshPublicKey ours = keys.generate("seedbox:tenant-a/home#1").publicKey();

    Commands.Result result = runInHome("bash", OnboardingCommand.forKey(ours));

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(Files.readAllLines(authorizedKeys())).containsExactly(theirs, ours.line());
    assertThat(mode(ssh)).isEqualTo("rwx--x--x");
    assertThat(mode(authorizedKeys())).isEqualTo("rw-r--r--");
  }

  @Test
  void recognisesOurKeyUnderAnotherCommentOrWithOptions() throws IOException {
    OpenSshPublicKey key = keys.generate("seedbox:tenant-a/home#0").publicKey();
    Files.createDirectories(home.resolve(".ssh"));
    String edited = "restrict " + key.keyPart() + " renamed-by-customer";
    Files.writeString(authorizedKeys(), edited + "\n");

    runInHome("bash", OnboardingCommand.forKey(key));

    assertThat(Files.readAllLines(authorizedKeys())).containsExactly(edited);
  }

  @Test
  void runsInPlainPosixShToo() throws IOException {
    OpenSshPublicKey key = keys.generate("seedbox:tenant-a/home#0").publicKey();
    String command = OnboardingCommand.forKey(key);

    Commands.Result first = runInHome("/bin/sh", command);
    Commands.Result second = runInHome("/bin/sh", command);

    assertThat(first.exitCode()).as(first.stderr()).isZero();
    assertThat(second.exitCode()).as(second.stderr()).isZero();
    assertThat(Files.readAllLines(authorizedKeys())).containsExactly(key.line());
  }

  @Test
  void shellSyntaxInTheCommentIsWrittenLiterallyNotExecuted() throws IOException {
    String hostile = "x';touch${IFS}$HOME/pwned;echo${IFS}'$(touch${IFS}$HOME/pwned2)`touch${IFS}$HOME/pwned3`\"";
    OpenSshPublicKey key = keys.generate(hostile).publicKey();

    Commands.Result result = runInHome("bash", OnboardingCommand.forKey(key));

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(home.resolve("pwned")).doesNotExist();
    assertThat(home.resolve("pwned2")).doesNotExist();
    assertThat(home.resolve("pwned3")).doesNotExist();
    assertThat(Files.readAllLines(authorizedKeys())).containsExactly(key.line());
  }

  @Test
  void isOneLine() {
    OpenSshPublicKey key = keys.generate("seedbox:tenant-a/home#0").publicKey();

    assertThat(OnboardingCommand.forKey(key)).doesNotContain("\n").doesNotContain("\r").contains(key.line());
  }

  private Path authorizedKeys() {
    return home.resolve(".ssh").resolve("authorized_keys");
  }

  private Commands.Result runInHome(String shell, String command) {
    return Commands.run(List.of(shell, "-c", command), home,
        Map.of("HOME", home.toString(), "PATH", "/usr/bin:/bin"));
  }

  private static String mode(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}

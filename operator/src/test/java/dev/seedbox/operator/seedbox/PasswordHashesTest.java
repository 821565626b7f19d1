package dev.seedbox.operator.seedbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.seedbox.provisioning.cloudinit.QbittorrentPassword;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class PasswordHashesTest {

  private final PasswordHashes hashes = new PasswordHashes(1);
  private final List<String> woken = new CopyOnWriteArrayList<>();

  PasswordHashesTest() {
    hashes.onReady(woken::add);
  }

  private static void assertHashOf(String password, String hash) {
    String salt = hash.substring("@ByteArray(".length(), hash.indexOf(':'));
    assertThat(QbittorrentPassword.hash(password, Base64.getDecoder().decode(salt))).isEqualTo(hash);
  }

  @Test
  void newCredentialsAreHashedOnceOffTheCallersThreadAndWakeTheirSeedbox() {
    assertThat(hashes.newCredentials("uid-1")).as("the first call only starts the hash").isEmpty();
    assertThat(hashes.computing("uid-1")).isTrue();

    await().atMost(Duration.ofSeconds(30)).until(() -> woken.contains("uid-1"));
    Optional<PasswordHashes.Hashed> first = hashes.newCredentials("uid-1");
    Optional<PasswordHashes.Hashed> again = hashes.newCredentials("uid-1");

    assertThat(first).isPresent();
    assertThat(again).as("the same password until forgotten").isEqualTo(first);
    assertThat(hashes.newCredentialsReady("uid-1")).isTrue();
    assertThat(hashes.computing("uid-1")).isFalse();
    assertHashOf(first.get().password(), first.get().hash());
    assertThat(first.get().toString()).doesNotContain(first.get().password(), first.get().hash());
    assertThat(woken).containsExactly("uid-1");

    hashes.forget("uid-1");
    assertThat(hashes.newCredentialsReady("uid-1")).isFalse();
  }

  @Test
  void aSecretsOwnPasswordIsHashedAndAnotherPasswordStartsOver() {
    assertThat(hashes.hashOf("uid-2", "first-password")).isEmpty();
    await().atMost(Duration.ofSeconds(30)).until(() -> hashes.hashOf("uid-2", "first-password").isPresent());
    assertHashOf("first-password", hashes.hashOf("uid-2", "first-password").orElseThrow());
    assertThat(hashes.newCredentialsReady("uid-2")).as("read from a Secret, not new").isFalse();

    assertThat(hashes.hashOf("uid-2", "second-password")).as("a changed password is hashed again").isEmpty();
    await().atMost(Duration.ofSeconds(30)).until(() -> hashes.hashOf("uid-2", "second-password").isPresent());
    assertHashOf("second-password", hashes.hashOf("uid-2", "second-password").orElseThrow());
  }
}

package dev.seedbox.operator.seedbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.hostchannel.webui.LoginCheck.Accepted;
import dev.seedbox.keys.key.Ed25519Keys;
import dev.seedbox.keys.key.PrivateKeyMaterial;
import dev.seedbox.keys.testing.FakeVault;
import dev.seedbox.ledger.testing.MutableClock;
import dev.seedbox.operator.harness.OperatorFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With SEEDBOX_SERVER_KEY_STORE=vault the servers' private keys live in Vault only, and die with the Seedbox. */
class SeedboxServerKeysInVaultTest extends SeedboxScenario {

  static final FakeVault VAULT = FakeVault.start();
  static final MutableClock CLOCK = clockFromNow();

  @RegisterExtension
  static final OperatorFixture harness = operatorOn(CLOCK)
      .withSettings(settings -> settings.vault(VAULT.address(), VAULT.token()).serverKeysInVault());

  SeedboxServerKeysInVaultTest() {
    super(harness, CLOCK);
  }

  @AfterAll
  static void stopVault() {
    VAULT.close();
  }

  @Test
  void theServersKeysLiveInVaultAndAreDestroyedWhenTheSeedboxIsTerminated() {
    String ns = namespace();
    account(ns, "acme", STARTER, 7);
    String uid = create(seedbox(ns, "box", "acme", "local")).getMetadata().getUid();
    Seedbox active = awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(20));
    assertThat(login(active, currentPassword(ns, "box"))).as("the server was prepared with the keys from Vault")
        .isInstanceOf(Accepted.class);

    assertThat(secret(ns, "box-server-keys")).as("no Secret holds them").isNull();
    String management = "seedbox/servers/" + ns + "/box-management-key-0";
    String host = "seedbox/servers/" + ns + "/box-host-key-0";
    String managementKey = privateKey(management);
    String hostKey = privateKey(host);
    String userData = harness.recorder().creates(uid).get(0).userData();
    assertThat(userData).as("the host key's private half is installed by cloud-init").contains(line(hostKey, 2));
    assertThat(userData).as("the management key's private half never leaves Vault")
        .doesNotContain(line(managementKey, 2));

    delete(ns, "box");
    awaitGone(ns, "box");
    assertThat(VAULT.read("secret", management, 1)).as("destroyed").isEmpty();
    assertThat(VAULT.read("secret", host, 1)).as("destroyed").isEmpty();
    assertThat(VAULT.retainsData("secret", management, 1)).isFalse();
    assertThat(auditActions(uid)).containsOnlyOnce("seedbox.server-keys-destroyed");
  }

  private static String privateKey(String path) {
    Map<String, String> data = VAULT.read("secret", path, 1).orElseThrow(() -> new AssertionError("no key at " + path));
    String key = data.get("ssh-privatekey");
    // an Ed25519 key in OpenSSH form that reads back consistently, not just some text
    assertThat(new Ed25519Keys().read(PrivateKeyMaterial.ofOpenSsh(key.getBytes(StandardCharsets.UTF_8)))
        .publicKey().line()).startsWith("ssh-ed25519 ");
    return key;
  }

  /** Line {@code n} of a key's body (the first two are alike or public for every Ed25519 key). */
  private static String line(String privateKey, int n) {
    return privateKey.lines().filter(l -> !l.startsWith("-----")).skip(n).findFirst().orElseThrow();
  }
}

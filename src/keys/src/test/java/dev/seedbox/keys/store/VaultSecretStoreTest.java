package dev.seedbox.keys.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seedbox.keys.key.Ed25519Keys;
import dev.seedbox.keys.key.PrivateKeyMaterial;
import dev.seedbox.keys.testing.FakeVault;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VaultSecretStoreTest {

  private static FakeVault vault;
  private static int connections;

  private final Ed25519Keys keys = new Ed25519Keys();
  private VaultSecretStore store;
  private ConnectionIdentity connection;

  @BeforeAll
  static void startVault() {
    vault = FakeVault.start("hvs.test-token", Set.of("secret", "kv"));
  }

  @AfterAll
  static void stopVault() {
    vault.close();
  }

  @BeforeEach
  void setUp() {
    store = new VaultSecretStore(new VaultConfig(vault.address(), vault.token()));
    // each test its own connection, so paths never collide in the shared fake
    connection = new ConnectionIdentity("tenant-a", "home-" + ++connections, null);
  }

  @Test
  void writesTheKeyUnderThePrefixAndReturnsAVersionedReference() {
    PrivateKeyMaterial key = key();

    SecretRef ref = store.put(new KeySlot(connection, 2), key);

    String path = "seedbox/byos/tenant-a/" + connection.name() + "-key-2";
    assertThat(ref).isEqualTo(new VaultSecretRef("secret", path, 1));
    assertThat(vault.read("secret", path, 1)).contains(Map.of("ssh-privatekey", key.openSshText()));
    assertThat(store.get(ref)).hasValueSatisfying(read -> assertThat(read.sameAs(key)).isTrue());
    assertThat(store.find(new KeySlot(connection, 2))).contains(ref);
    assertThat(store.find(new KeySlot(connection, 3))).isEmpty();
  }

  @Test
  void usesTheConfiguredMountAndPrefix() {
    store = new VaultSecretStore(new VaultConfig(vault.address(), vault.token(), "kv", "/ops/keys/",
        Duration.ofSeconds(2), true));

    SecretRef ref = store.put(new KeySlot(connection, 0), key());

    assertThat(ref.value()).isEqualTo("vault:kv/ops/keys/tenant-a/" + connection.name() + "-key-0#1");
    assertThat(vault.requests()).anySatisfy(r -> {
      assertThat(r.method()).isEqualTo("POST");
      assertThat(r.path()).isEqualTo("/v1/kv/data/ops/keys/tenant-a/" + connection.name() + "-key-0");
    });
  }

  @Test
  void puttingTheSameKeyAgainReturnsTheSameVersion() {
    PrivateKeyMaterial key = key();
    SecretRef first = store.put(new KeySlot(connection, 0), key);

    SecretRef second = store.put(new KeySlot(connection, 0), PrivateKeyMaterial.ofOpenSsh(key.openSshBytes()));

    assertThat(second).isEqualTo(first);
    assertThat(vault.read("secret", ((VaultSecretRef) first).path(), 2)).isEmpty();
  }

  @Test
  void aDifferentKeyForAStoredRotationIsRefusedByCheckAndSet() {
    PrivateKeyMaterial original = key();
    SecretRef ref = store.put(new KeySlot(connection, 0), original);
    PrivateKeyMaterial other = key();

    assertThatThrownBy(() -> store.put(new KeySlot(connection, 0), other))
        .isInstanceOf(SecretConflictException.class)
        .hasMessageContaining("to be empty or to hold this key, found a different key")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(other.openSshText().split("\n")[1]));
    assertThat(store.get(ref)).hasValueSatisfying(read -> assertThat(read.sameAs(original)).isTrue());
  }

  @Test
  void revokingDestroysTheVersionSoItCannotBeUndeleted() throws Exception {
    SecretRef ref = store.put(new KeySlot(connection, 0), key());
    VaultSecretRef vaultRef = (VaultSecretRef) ref;

    store.delete(connection, ref);

    assertThat(vault.retainsData("secret", vaultRef.path(), 1)).isFalse();
    assertThat(vault.hasPath("secret", vaultRef.path())).isFalse();
    assertThat(store.get(ref)).isEmpty();
    assertThat(vault.requests()).anySatisfy(r -> {
      assertThat(r.method()).isEqualTo("PUT");
      assertThat(r.path()).isEqualTo("/v1/secret/destroy/" + vaultRef.path());
    });
    // undelete cannot bring it back
    assertThat(raw("POST", "/v1/secret/undelete/" + vaultRef.path(), "{\"versions\":[1]}").statusCode())
        .isEqualTo(204);
    assertThat(store.get(ref)).isEmpty();
    store.delete(connection, ref);
  }

  /** Attack 8 of issue 12: revoke() was handed a Vault path outside our prefix and destroyed it. */
  @Test
  void revocationRefusesPathsOutsideTheConnectionsKeysAndLeavesThemIntact() throws Exception {
    assertThat(raw("POST", "/v1/secret/data/payments/gateway", "{\"data\":{\"api-key\":\"x\"}}").statusCode())
        .isEqualTo(200);
    ConnectionIdentity neighbour = new ConnectionIdentity("tenant-a", connection.name() + "-key-0", null);
    SecretRef neighboursKey = store.put(new KeySlot(neighbour, 1), key());
    String own = "seedbox/byos/tenant-a/" + connection.name() + "-key-0";
    int requestsBefore = vault.requests().size();

    for (String foreign : new String[] {"vault:secret/payments/gateway#1", "vault:kv/" + own + "#1",
        "vault:secret/seedbox/byos/tenant-b/" + connection.name() + "-key-0#1", neighboursKey.value(),
        "vault:secret/" + own + "/nested#1"}) {
      assertThatThrownBy(() -> store.delete(connection, SecretRef.parse(foreign)))
          .as(foreign).isInstanceOf(RevocationRefusedException.class)
          .hasMessageStartingWith("refused to revoke " + foreign + " for ByosConnection tenant-a/" + connection.name());
    }
    assertThat(vault.retainsData("secret", "payments/gateway", 1)).isTrue();
    assertThat(store.get(neighboursKey)).isPresent();
    assertThat(vault.requests().subList(requestsBefore, vault.requests().size()))
        .noneMatch(r -> r.path().startsWith("/v1/secret/destroy/")
        || r.path().startsWith("/v1/secret/metadata/"));
  }

  @Test
  void withoutMetadataDeletionTheDestroyedVersionReads404() {
    store = new VaultSecretStore(new VaultConfig(vault.address(), vault.token(), "secret", "seedbox/byos",
        Duration.ofSeconds(2), false));
    SecretRef ref = store.put(new KeySlot(connection, 0), key());

    store.delete(connection, ref);

    VaultSecretRef vaultRef = (VaultSecretRef) ref;
    assertThat(vault.hasPath("secret", vaultRef.path())).isTrue();
    assertThat(vault.retainsData("secret", vaultRef.path(), 1)).isFalse();
    assertThat(store.get(ref)).isEmpty();
  }

  @Test
  void aSoftDeleteIsNotARevocationBecauseItCanBeUndone() throws Exception {
    // documents why revoke destroys: the fake, like Vault, keeps soft-deleted data
    SecretRef ref = store.put(new KeySlot(connection, 0), key());
    String path = ((VaultSecretRef) ref).path();

    raw("POST", "/v1/secret/delete/" + path, "{\"versions\":[1]}");
    assertThat(store.get(ref)).isEmpty();
    raw("POST", "/v1/secret/undelete/" + path, "{\"versions\":[1]}");

    assertThat(store.get(ref)).isPresent();
  }

  @Test
  void aBadTokenFailsWithPermissionDeniedAndNoSecret() {
    VaultSecretStore wrongToken = new VaultSecretStore(new VaultConfig(vault.address(), "hvs.wrong"));
    PrivateKeyMaterial key = key();

    assertThatThrownBy(() -> wrongToken.put(new KeySlot(connection, 0), key))
        .isInstanceOf(SecretStoreException.class)
        .hasMessage("could not write Vault secret/seedbox/byos/tenant-a/" + connection.name()
            + "-key-0: HTTP 403 [permission denied]; check SEEDBOX_VAULT_TOKEN and the token's policy")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hvs.wrong")
            .doesNotContain(key.openSshText().split("\n")[1]));
  }

  @Test
  void anUnreachableVaultIsAStoreError() {
    VaultSecretStore nowhere = new VaultSecretStore(new VaultConfig(URI.create("http://127.0.0.1:1"), "t",
        "secret", "p", Duration.ofSeconds(2), true));

    assertThatThrownBy(() -> nowhere.find(new KeySlot(connection, 0)))
        .isInstanceOf(SecretStoreException.class)
        .hasMessageStartingWith("could not read Vault secret/p/tenant-a/" + connection.name()
            + "-key-0 at http://127.0.0.1:1: ");
  }

  @Test
  void badConfigurationNamesEveryProblem() {
    assertThatThrownBy(() -> new VaultConfig(URI.create("vault:8200"), "", "a/b", "x/../y",
        VaultConfig.DEFAULT_TIMEOUT, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(String.join("\n",
            "SEEDBOX_VAULT_ADDR: expected an http(s) URL, found 'vault:8200'",
            "SEEDBOX_VAULT_TOKEN: required when SEEDBOX_VAULT_ADDR is set, found nothing",
            "SEEDBOX_VAULT_MOUNT: expected one path segment of [A-Za-z0-9_.-], found 'a/b'",
            "SEEDBOX_VAULT_PATH_PREFIX: expected segments of [A-Za-z0-9_.-] separated by '/', found 'x/../y'"));
  }

  private HttpResponse<String> raw(String method, String path, String body) throws IOException,
      InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(vault.address() + path))
        .header("X-Vault-Token", vault.token())
        .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private PrivateKeyMaterial key() {
    return keys.generate("seedbox:tenant-a/" + connection.name() + "#0").privateKey();
  }
}

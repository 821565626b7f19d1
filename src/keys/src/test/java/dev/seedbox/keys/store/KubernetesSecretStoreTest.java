package dev.seedbox.keys.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seedbox.api.v1alpha1.ByosConnection;
import dev.seedbox.api.v1alpha1.ByosConnectionSpec;
import dev.seedbox.keys.key.Ed25519Keys;
import dev.seedbox.keys.key.PrivateKeyMaterial;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class KubernetesSecretStoreTest {

  // one mock API server for the class (starting one per test costs seconds); each test gets its own namespace
  static KubernetesClient client;
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  private String ns;

  private final Ed25519Keys keys = new Ed25519Keys();
  private KubernetesSecretStore store;
  private ConnectionIdentity connection;

  @BeforeEach
  void setUp() {
    store = new KubernetesSecretStore(client);
    ns = "tenant-" + NAMESPACES.incrementAndGet();
    ByosConnection resource = new ByosConnection();
    resource.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("home").build());
    resource.setSpec(connectionSpec());
    connection = ConnectionIdentity.of(client.resource(resource).create());
  }

  @Test
  void storesEachRotationInItsOwnLabelledImmutableSecretOwnedByTheConnection() {
    PrivateKeyMaterial key = key(0);

    SecretRef ref = store.put(new KeySlot(connection, 0), key);

    assertThat(ref.value()).isEqualTo("kubernetes:" + ns + "/home-key-0#ssh-privatekey");
    Secret secret = client.secrets().inNamespace(ns).withName("home-key-0").get();
    assertThat(secret.getType()).isEqualTo("kubernetes.io/ssh-auth");
    assertThat(secret.getImmutable()).isTrue();
    assertThat(secret.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "seedbox-operator")
        .containsEntry("seedbox.dev/byos-connection", "home");
    OwnerReference owner = secret.getMetadata().getOwnerReferences().get(0);
    assertThat(owner.getApiVersion()).isEqualTo("seedbox.dev/v1alpha1");
    assertThat(owner.getKind()).isEqualTo("ByosConnection");
    assertThat(owner.getName()).isEqualTo("home");
    assertThat(owner.getUid()).isEqualTo(connection.uid()).isNotBlank();
    assertThat(Base64.getDecoder().decode(secret.getData().get("ssh-privatekey"))).isEqualTo(key.openSshBytes());
  }

  @Test
  void readsBackTheStoredKey() {
    PrivateKeyMaterial key = key(0);
    SecretRef ref = store.put(new KeySlot(connection, 0), key);

    assertThat(store.get(ref)).hasValueSatisfying(read -> assertThat(read.sameAs(key)).isTrue());
    assertThat(store.find(new KeySlot(connection, 0))).contains(ref);
    assertThat(store.find(new KeySlot(connection, 1))).isEmpty();
  }

  @Test
  void puttingTheSameKeyAgainIsANoOp() {
    PrivateKeyMaterial key = key(0);
    SecretRef first = store.put(new KeySlot(connection, 0), key);
    String resourceVersion = client.secrets().inNamespace(ns).withName("home-key-0").get().getMetadata()
        .getResourceVersion();

    SecretRef second = store.put(new KeySlot(connection, 0), PrivateKeyMaterial.ofOpenSsh(key.openSshBytes()));

    assertThat(second).isEqualTo(first);
    assertThat(client.secrets().inNamespace(ns).withName("home-key-0").get().getMetadata().getResourceVersion())
        .isEqualTo(resourceVersion);
  }

  @Test
  void aDifferentKeyForAStoredRotationIsRefusedAndTheStoredOneKept() {
    PrivateKeyMaterial original = key(0);
    SecretRef ref = store.put(new KeySlot(connection, 0), original);
    PrivateKeyMaterial other = key(0);

    assertThatThrownBy(() -> store.put(new KeySlot(connection, 0), other))
        .isInstanceOf(SecretConflictException.class)
        .hasMessage("expected Secret " + ns + "/home-key-0 to be absent or to hold this key, found a different key; "
            + "keys are immutable, bump spec.rotation instead")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(other.openSshText().split("\n")[1]));
    assertThat(store.get(ref)).hasValueSatisfying(read -> assertThat(read.sameAs(original)).isTrue());
  }

  @Test
  void aNewRotationMakesANewSecretAndLeavesTheOldOne() {
    SecretRef old = store.put(new KeySlot(connection, 0), key(0));

    SecretRef rotated = store.put(new KeySlot(connection, 1), key(1));

    assertThat(rotated.value()).isEqualTo("kubernetes:" + ns + "/home-key-1#ssh-privatekey");
    assertThat(store.get(old)).isPresent();
    assertThat(client.secrets().inNamespace(ns).withLabel("seedbox.dev/byos-connection", "home").list().getItems())
        .extracting(s -> s.getMetadata().getName()).containsExactlyInAnyOrder("home-key-0", "home-key-1");
  }

  @Test
  void deleteRemovesTheSecretAndIsIdempotent() {
    SecretRef ref = store.put(new KeySlot(connection, 0), key(0));

    store.delete(connection, ref);
    store.delete(connection, ref);

    assertThat(client.secrets().inNamespace(ns).withName("home-key-0").get()).isNull();
    assertThat(store.get(ref)).isEmpty();
  }

  @Test
  void refusesASecretItDidNotCreate() {
    client.secrets().inNamespace(ns).resource(new SecretBuilder()
        .withNewMetadata().withName("home-key-0").endMetadata()
        .withData(Map.of("ssh-privatekey", "c29tZXRoaW5n"))
        .build()).create();

    assertThatThrownBy(() -> store.find(new KeySlot(connection, 0)))
        .isInstanceOf(SecretConflictException.class)
        .hasMessage("expected Secret " + ns + "/home-key-0 to be labelled app.kubernetes.io/managed-by=seedbox-operator,"
            + " found no such label; refusing to use a Secret we did not create");
    assertThatThrownBy(() -> store.put(new KeySlot(connection, 0), key(0)))
        .isInstanceOf(SecretConflictException.class);
  }

  /** Attack 8 of issue 12: revoke() was handed a reference to a Secret elsewhere and deleted it. */
  @Test
  void revocationRefusesASecretInAnotherNamespaceAndLeavesItThere() {
    client.secrets().inNamespace("kube-system").resource(new SecretBuilder()
        .withNewMetadata().withName("home-key-0").withLabels(Map.of("app.kubernetes.io/managed-by", "seedbox-operator"))
        .endMetadata().withType("kubernetes.io/ssh-auth").withData(Map.of("ssh-privatekey", "c29tZXRoaW5n"))
        .build()).create();
    SecretRef elsewhere = SecretRef.parse("kubernetes:kube-system/home-key-0#ssh-privatekey");

    assertThatThrownBy(() -> store.delete(connection, elsewhere))
        .isInstanceOf(RevocationRefusedException.class)
        .hasMessage("refused to revoke kubernetes:kube-system/home-key-0#ssh-privatekey for ByosConnection " + ns
            + "/home: expected a Secret in the connection's namespace " + ns + ", found namespace kube-system");
    assertThat(client.secrets().inNamespace("kube-system").withName("home-key-0").get()).isNotNull();
  }

  @Test
  void revocationRefusesASecretWithoutOurLabelOrOfAnotherTypeOrOwnedByAnotherConnection() {
    client.secrets().inNamespace(ns).resource(new SecretBuilder()
        .withNewMetadata().withName("database").endMetadata()
        .withData(Map.of("password", "c29tZXRoaW5n")).build()).create();
    client.secrets().inNamespace(ns).resource(new SecretBuilder()
        .withNewMetadata().withName("token").withLabels(Map.of("app.kubernetes.io/managed-by", "seedbox-operator"))
        .endMetadata().withType("kubernetes.io/service-account-token").build()).create();
    ByosConnection other = new ByosConnection();
    other.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName("other").build());
    other.setSpec(connectionSpec());
    ConnectionIdentity otherConnection = ConnectionIdentity.of(client.resource(other).create());
    SecretRef othersKey = store.put(new KeySlot(otherConnection, 0), key(0));

    assertThatThrownBy(() -> store.delete(connection, SecretRef.parse("kubernetes:" + ns + "/database#password")))
        .isInstanceOf(RevocationRefusedException.class)
        .hasMessageEndingWith("expected the label app.kubernetes.io/managed-by=seedbox-operator, found no such label");
    assertThatThrownBy(() -> store.delete(connection, SecretRef.parse("kubernetes:" + ns + "/token#token")))
        .isInstanceOf(RevocationRefusedException.class)
        .hasMessageEndingWith("expected type kubernetes.io/ssh-auth, found kubernetes.io/service-account-token");
    assertThatThrownBy(() -> store.delete(connection, othersKey))
        .isInstanceOf(RevocationRefusedException.class)
        .hasMessageEndingWith("expected an owner reference to ByosConnection uid " + connection.uid() + ", found none");
    assertThat(client.secrets().inNamespace(ns).list().getItems()).extracting(s -> s.getMetadata().getName())
        .contains("database", "token", "other-key-0");
    store.delete(otherConnection, othersKey);
    assertThat(store.get(othersKey)).as("its own connection may revoke it").isEmpty();
  }

  @Test
  void needsTheConnectionUidForTheOwnerReference() {
    ConnectionIdentity withoutUid = new ConnectionIdentity(ns, "home", null);

    assertThatThrownBy(() -> store.put(new KeySlot(withoutUid, 0), key(0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected the uid of ByosConnection " + ns + "/home to owner-reference its key Secret, found none");
  }

  @Test
  void refusesAVaultReference() {
    assertThatThrownBy(() -> store.get(SecretRef.parse("vault:secret/x#1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected a kubernetes: secret reference, found vault:secret/x#1");
  }

  private static ByosConnectionSpec connectionSpec() {
    ByosConnectionSpec spec = new ByosConnectionSpec();
    spec.setHost("203.0.113.7");
    spec.setUser("seedbox");
    return spec;
  }

  private PrivateKeyMaterial key(long rotation) {
    return keys.generate("seedbox:tenant-a/home#" + rotation).privateKey();
  }
}

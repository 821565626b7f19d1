package dev.seedbox.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seedbox.api.v1alpha1.ByosConnection;
import dev.seedbox.api.v1alpha1.SecretStoreKind;
import dev.seedbox.keys.key.Ed25519Keys;
import dev.seedbox.keys.store.ConnectionIdentity;
import dev.seedbox.keys.store.KubernetesSecretStore;
import dev.seedbox.keys.store.SecretStore;
import dev.seedbox.keys.store.VaultConfig;
import dev.seedbox.keys.store.VaultSecretStore;
import dev.seedbox.keys.testing.Commands;
import dev.seedbox.keys.testing.FakeVault;
import dev.seedbox.keys.testing.InProcessSshServer;
import dev.seedbox.keys.verify.AddressPolicy;
import dev.seedbox.keys.verify.Cidr;
import dev.seedbox.keys.verify.HostResolver;
import dev.seedbox.keys.verify.SshTarget;
import dev.seedbox.keys.verify.SshVerifier;
import dev.seedbox.keys.verify.VerificationResult;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@EnableKubernetesMockClient(crud = true)
class ByosKeysTest {

  static KubernetesClient client;
  private static FakeVault vault;
  private static InProcessSshServer server;
  private static final AtomicInteger CONNECTIONS = new AtomicInteger();

  private ByosKeys byos;
  private SecretStore kubernetesStore;
  private SecretStore vaultStore;
  private ConnectionIdentity connection;
  private SshTarget target;

  @TempDir
  Path home;

  @BeforeAll
  static void startFixtures() {
    vault = FakeVault.start();
    server = InProcessSshServer.start();
  }

  @AfterAll
  static void stopFixtures() {
    vault.close();
    server.close();
  }

  @BeforeEach
  void setUp() {
    kubernetesStore = new KubernetesSecretStore(client);
    vaultStore = new VaultSecretStore(new VaultConfig(vault.address(), vault.token()));
    Duration timeout = Duration.ofSeconds(10);
    SshVerifier verifier = new SshVerifier(new AddressPolicy(List.of(Cidr.parse("127.0.0.1/32"))),
        HostResolver.SYSTEM, timeout, timeout);
    byos = new ByosKeys(List.of(kubernetesStore, vaultStore), new Ed25519Keys(), verifier);
    connection = createConnection("tenant-a", "home-" + CONNECTIONS.incrementAndGet());
    // each test's user reads its own authorized_keys, written by the onboarding command in a temporary HOME
    String user = "customer" + CONNECTIONS.get();
    server.authorizeFrom(user, home.resolve(".ssh/authorized_keys"));
    target = new SshTarget(server.host(), server.port(), user);
  }

  @ParameterizedTest
  @EnumSource(SecretStoreKind.class)
  void issuingTheSameRotationAgainReturnsTheStoredKey(SecretStoreKind kind) {
    IssuedKey first = byos.issue(connection, 0, kind);

    IssuedKey again = byos.issue(connection, 0, kind);

    assertThat(first.newlyGenerated()).isTrue();
    assertThat(again.newlyGenerated()).isFalse();
    assertThat(again.publicKey()).isEqualTo(first.publicKey());
    assertThat(again.fingerprint()).isEqualTo(first.fingerprint());
    assertThat(again.onboardingCommand()).isEqualTo(first.onboardingCommand());
    assertThat(again.secretRef()).isEqualTo(first.secretRef());
    assertThat(first.publicKey().comment()).isEqualTo("seedbox:tenant-a/" + connection.name() + "#0");
    assertThat(first.secretRef().kind()).isEqualTo(kind);
  }

  @ParameterizedTest
  @EnumSource(SecretStoreKind.class)
  void aNewRotationIssuesANewKeyInANewPlace(SecretStoreKind kind) {
    IssuedKey first = byos.issue(connection, 0, kind);

    IssuedKey rotated = byos.issue(connection, 1, kind);

    assertThat(rotated.fingerprint()).isNotEqualTo(first.fingerprint());
    assertThat(rotated.secretRef()).isNotEqualTo(first.secretRef());
    assertThat(rotated.onboardingCommand()).isNotEqualTo(first.onboardingCommand())
        .contains("seedbox:tenant-a/" + connection.name() + "#1");
    assertThat(rotated.secretRef().value()).contains(connection.name() + "-key-1");
  }

  @ParameterizedTest
  @EnumSource(SecretStoreKind.class)
  void theCustomerRunsTheOnboardingCommandAndTheConnectionVerifies(SecretStoreKind kind) {
    IssuedKey issued = byos.issue(connection, 0, kind);
    assertThat(byos.verify(target, issued.secretRef(), null))
        .isInstanceOf(VerificationResult.AuthenticationRejected.class);

    onboard(issued);
    VerificationResult result = byos.verify(target.host(), target.port(), target.user(), issued.secretRef(), null);

    assertThat(result).isEqualTo(new VerificationResult.Connected(server.hostKeyFingerprint()));
  }

  @ParameterizedTest
  @EnumSource(SecretStoreKind.class)
  void rotationKeepsTheOldKeyUntilTheNewOneVerifies(SecretStoreKind kind) {
    IssuedKey old = byos.issue(connection, 0, kind);
    onboard(old);
    String pin = ((VerificationResult.Connected) byos.verify(target, old.secretRef(), null)).hostKeyFingerprint();
    IssuedKey rotated = byos.issue(connection, 1, kind);

    VerificationResult beforeOnboarding = byos.verifyAndRevokePrevious(target, connection, rotated.secretRef(), pin,
        old.secretRef());

    assertThat(beforeOnboarding).isInstanceOf(VerificationResult.AuthenticationRejected.class);
    assertThat(store(kind).get(old.secretRef())).isPresent();
    assertThat(byos.verify(target, old.secretRef(), pin)).isInstanceOf(VerificationResult.Connected.class);

    onboard(rotated);
    VerificationResult afterOnboarding = byos.verifyAndRevokePrevious(target, connection, rotated.secretRef(), pin,
        old.secretRef());

    assertThat(afterOnboarding).isEqualTo(new VerificationResult.Connected(pin));
    assertThat(store(kind).get(old.secretRef())).isEmpty();
    assertThat(store(kind).get(rotated.secretRef())).isPresent();
    assertThatThrownBy(() -> byos.verify(target, old.secretRef(), pin))
        .isInstanceOf(KeyMissingException.class)
        .hasMessage("expected a private key at " + old.secretRef() + ", found none (revoked or deleted); "
            + "bump spec.rotation to issue a new key");
  }

  @Test
  void aChangedHostKeyStopsVerificationWithTheRotatedKeyToo() {
    try (InProcessSshServer reinstalled = InProcessSshServer.start()) {
      reinstalled.authorizeFrom(target.user(), home.resolve(".ssh/authorized_keys"));
      SshTarget there = new SshTarget(reinstalled.host(), reinstalled.port(), target.user());
      IssuedKey issued = byos.issue(connection, 0, SecretStoreKind.KUBERNETES);
      onboard(issued);
      String pin = reinstalled.hostKeyFingerprint();
      IssuedKey rotated = byos.issue(connection, 1, SecretStoreKind.KUBERNETES);
      onboard(rotated);
      reinstalled.replaceHostKey();

      VerificationResult result = byos.verifyAndRevokePrevious(there, connection, rotated.secretRef(), pin, issued.secretRef());

      assertThat(result).isEqualTo(new VerificationResult.HostKeyMismatch(pin, reinstalled.hostKeyFingerprint()));
      assertThat(kubernetesStore.get(issued.secretRef())).isPresent();
    }
  }

  @Test
  void revokingTwiceIsHarmless() {
    IssuedKey issued = byos.issue(connection, 0, SecretStoreKind.VAULT);

    byos.revoke(connection, issued.secretRef());
    byos.revoke(connection, issued.secretRef());

    assertThat(vaultStore.get(issued.secretRef())).isEmpty();
  }

  @Test
  void vaultIsRefusedWhenItIsNotConfigured() {
    ByosKeys kubernetesOnly = new ByosKeys(List.of(kubernetesStore), new Ed25519Keys(),
        new SshVerifier(AddressPolicy.strict()));

    assertThatThrownBy(() -> kubernetesOnly.issue(connection, 0, SecretStoreKind.VAULT))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessage("expected secretStore 'vault' to be configured, found it unavailable: "
            + "set SEEDBOX_VAULT_ADDR and SEEDBOX_VAULT_TOKEN to enable Vault");
  }

  private SecretStore store(SecretStoreKind kind) {
    return kind == SecretStoreKind.VAULT ? vaultStore : kubernetesStore;
  }

  private void onboard(IssuedKey issued) {
    Commands.Result result = Commands.run(List.of("bash", "-c", issued.onboardingCommand()), home,
        Map.of("HOME", home.toString(), "PATH", "/usr/bin:/bin"));
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(Files.exists(home.resolve(".ssh/authorized_keys"))).isTrue();
  }

  static ConnectionIdentity createConnection(String namespace, String name) {
    ByosConnection resource = new ByosConnection();
    resource.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    return ConnectionIdentity.of(client.resource(resource).create());
  }
}

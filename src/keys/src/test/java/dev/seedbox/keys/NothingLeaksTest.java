package dev.seedbox.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import dev.seedbox.api.v1alpha1.ByosConnection;
import dev.seedbox.api.v1alpha1.SecretStoreKind;
import dev.seedbox.keys.key.Ed25519Keys;
import dev.seedbox.keys.key.PrivateKeyMaterial;
import dev.seedbox.keys.store.ConnectionIdentity;
import dev.seedbox.keys.store.KeySlot;
import dev.seedbox.keys.store.KubernetesSecretStore;
import dev.seedbox.keys.store.SecretRef;
import dev.seedbox.keys.store.SecretStore;
import dev.seedbox.keys.store.VaultConfig;
import dev.seedbox.keys.store.VaultSecretStore;
import dev.seedbox.keys.testing.CapturedLogs;
import dev.seedbox.keys.testing.Commands;
import dev.seedbox.keys.testing.FakeVault;
import dev.seedbox.keys.testing.InProcessSshServer;
import dev.seedbox.keys.verify.AddressPolicy;
import dev.seedbox.keys.verify.Cidr;
import dev.seedbox.keys.verify.HostResolver;
import dev.seedbox.keys.verify.SshTarget;
import dev.seedbox.keys.verify.SshVerifier;
import dev.seedbox.keys.verify.VerificationResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.OpenSSHPrivateKeyUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs onboarding, verification, rotation and revocation through both stores, including the failure paths, and then
 * searches everything the module produced outside the stores for private key material.
 */
@EnableKubernetesMockClient(crud = true)
class NothingLeaksTest {

  private static final String NS = "tenant-leak";
  private static final String HEADER = "OPENSSH PRIVATE KEY";

  KubernetesClient client;

  @TempDir
  Path home;

  /** Everything produced outside the stores, by where it came from. */
  private final Map<String, String> produced = new LinkedHashMap<>();
  /** Forms of every private key that existed during the run. */
  private final Map<String, String> needles = new LinkedHashMap<>();

  @Test
  void noPrivateKeyMaterialOutsideTheStores() {
    try (FakeVault vault = FakeVault.start();
        InProcessSshServer server = InProcessSshServer.start();
        // the mock API server is the Kubernetes store's stand-in and logs what it stores at DEBUG; the fabric8
        // client, SSHD, Vert.x and our code stay captured
        CapturedLogs logs = CapturedLogs.attachExcluding(Level.DEBUG, "io.fabric8.kubernetes.client.server.mock",
            "io.fabric8.mockwebserver")) {
      SecretStore kubernetesStore = new KubernetesSecretStore(client);
      SecretStore vaultStore = new VaultSecretStore(new VaultConfig(vault.address(), vault.token()));
      Duration timeout = Duration.ofSeconds(10);
      ByosKeys byos = new ByosKeys(List.of(kubernetesStore, vaultStore), new Ed25519Keys(),
          new SshVerifier(new AddressPolicy(List.of(Cidr.parse("127.0.0.1/32"))), HostResolver.SYSTEM, timeout,
              timeout));
      int n = 0;
      for (SecretStoreKind kind : SecretStoreKind.values()) {
        SecretStore store = kind == SecretStoreKind.VAULT ? vaultStore : kubernetesStore;
        ConnectionIdentity connection = createConnection("home-" + kind.wireName());
        String user = "customer" + n++;
        Path userHome = home.resolve(user);
        server.authorizeFrom(user, userHome.resolve(".ssh/authorized_keys"));
        SshTarget target = new SshTarget(server.host(), server.port(), user);

        IssuedKey first = record(kind + " issue", byos.issue(connection, 0, kind));
        collectNeedles(store, first.secretRef());
        record(kind + " reissue", byos.issue(connection, 0, kind));
        record(kind + " verify before onboarding", byos.verify(target, first.secretRef(), null));
        onboard(userHome, first);
        VerificationResult connected = record(kind + " verify", byos.verify(target, first.secretRef(), null));
        String pin = ((VerificationResult.Connected) connected).hostKeyFingerprint();

        IssuedKey rotated = record(kind + " rotate", byos.issue(connection, 1, kind));
        collectNeedles(store, rotated.secretRef());
        record(kind + " promote before onboarding",
            byos.verifyAndRevokePrevious(target, connection, rotated.secretRef(), pin, first.secretRef()));
        onboard(userHome, rotated);
        record(kind + " promote", byos.verifyAndRevokePrevious(target, connection, rotated.secretRef(), pin,
            first.secretRef()));

        // failure paths: their messages are output too
        failure(kind + " verify revoked", () -> byos.verify(target, first.secretRef(), pin));
        record(kind + " wrong pin", byos.verify(target, rotated.secretRef(), "SHA256:" + "A".repeat(43)));
        PrivateKeyMaterial other = new Ed25519Keys().generate("seedbox:x/y#1").privateKey();
        needles(kind + " conflicting key", other);
        failure(kind + " conflicting put", () -> store.put(new KeySlot(connection, 1), other));
        record(kind + " refused address", new SshVerifier(AddressPolicy.strict())
            .verify(target, new Ed25519Keys().generate("seedbox:x/y#2"), null));
      }
      VaultSecretStore badToken = new VaultSecretStore(new VaultConfig(vault.address(), "hvs.wrong"));
      PrivateKeyMaterial refused = new Ed25519Keys().generate("seedbox:x/y#3").privateKey();
      needles("bad-token key", refused);
      failure("vault bad token", () -> badToken.put(new KeySlot(createConnection("bad-token"), 0), refused));

      produced.put("logs", logs.text());
      for (HasMetadata object : nonKeyObjects()) {
        produced.put("kubernetes " + object.getKind() + " " + object.getMetadata().getName(),
            Serialization.asJson(object));
      }
    }

    assertThat(needles).hasSizeGreaterThan(20);
    assertThat(produced.get("logs")).contains("issued key", "revoked", "org.apache.sshd", "io.fabric8.kubernetes.client");
    List<String> hits = new ArrayList<>();
    produced.forEach((where, text) -> needles.forEach((what, needle) -> {
      if (text.contains(needle)) {
        hits.add(what + " in " + where);
      }
    }));
    assertThat(hits).isEmpty();
  }

  private <T> T record(String where, T value) {
    produced.put(where + " toString", String.valueOf(value));
    if (value instanceof IssuedKey issued) {
      produced.put(where + " onboarding command", issued.onboardingCommand());
      produced.put(where + " public key", issued.publicKeyLine());
      produced.put(where + " secret ref", issued.secretRef().value());
    }
    if (value instanceof VerificationResult result) {
      produced.put(where + " message", result.message());
    }
    return value;
  }

  private void failure(String where, Runnable action) {
    Throwable thrown = catchThrowable(action::run);
    assertThat(thrown).as(where).isNotNull();
    StringWriter trace = new StringWriter();
    thrown.printStackTrace(new PrintWriter(trace));
    produced.put(where + " exception", thrown + "\n" + trace);
  }

  private void collectNeedles(SecretStore store, SecretRef ref) {
    needles(ref.value(), store.get(ref).orElseThrow());
  }

  private void needles(String which, PrivateKeyMaterial key) {
    String pem = key.openSshText();
    String[] lines = pem.strip().split("\n");
    needles.put(which + ": PEM file as base64", Base64.getEncoder().encodeToString(key.openSshBytes()));
    StringBuilder body = new StringBuilder();
    for (int i = 1; i < lines.length - 1; i++) {
      body.append(lines[i]);
      // the first line is the same for every unencrypted Ed25519 key (magic, cipher none, public key type)
      if (i > 1 && lines[i].length() >= 16) {
        needles.put(which + ": PEM body line " + i, lines[i]);
      }
    }
    needles.put(which + ": PEM body", body.toString());
    byte[] blob = Base64.getDecoder().decode(body.toString());
    Ed25519PrivateKeyParameters parameters =
        (Ed25519PrivateKeyParameters) OpenSSHPrivateKeyUtil.parsePrivateKeyBlob(blob);
    byte[] seed = parameters.getEncoded();
    byte[] secret = new byte[64];
    System.arraycopy(seed, 0, secret, 0, 32);
    System.arraycopy(parameters.generatePublicKey().getEncoded(), 0, secret, 32, 32);
    for (Map.Entry<String, byte[]> raw : Map.of("seed", seed, "secret key", secret).entrySet()) {
      needles.put(which + ": " + raw.getKey() + " base64", Base64.getEncoder().encodeToString(raw.getValue()));
      needles.put(which + ": " + raw.getKey() + " base64url",
          Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getValue()));
      needles.put(which + ": " + raw.getKey() + " hex", HexFormat.of().formatHex(raw.getValue()));
      needles.put(which + ": " + raw.getKey() + " HEX", HexFormat.of().withUpperCase().formatHex(raw.getValue()));
      needles.put(which + ": " + raw.getKey() + " as text", new String(raw.getValue(), StandardCharsets.ISO_8859_1));
    }
    needles.put("PEM header", HEADER);
  }

  private List<HasMetadata> nonKeyObjects() {
    List<HasMetadata> objects = new ArrayList<>();
    objects.addAll(client.v1().events().inNamespace(NS).list().getItems());
    objects.addAll(client.events().v1().events().inNamespace(NS).list().getItems());
    objects.addAll(client.configMaps().inNamespace(NS).list().getItems());
    objects.addAll(client.resources(ByosConnection.class).inNamespace(NS).list().getItems());
    for (Secret secret : client.secrets().inNamespace(NS).list().getItems()) {
      boolean keySecret = secret.getMetadata().getName().matches(".+-key-\\d+")
          && KubernetesSecretStore.MANAGED_BY.equals(secret.getMetadata().getLabels()
          .get(KubernetesSecretStore.MANAGED_BY_LABEL));
      if (!keySecret) {
        objects.add(secret);
      }
    }
    // the checks above must have seen the connections, or an empty list would pass for the wrong reason
    assertThat(objects).anySatisfy(o -> assertThat(o).isInstanceOf(ByosConnection.class));
    return objects;
  }

  private void onboard(Path userHome, IssuedKey issued) {
    userHome.toFile().mkdirs();
    Commands.Result result = Commands.run(List.of("bash", "-c", issued.onboardingCommand()), userHome,
        Map.of("HOME", userHome.toString(), "PATH", "/usr/bin:/bin"));
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    produced.put("onboarding output " + issued.secretRef(), result.stdout() + result.stderr());
  }

  private ConnectionIdentity createConnection(String name) {
    ByosConnection resource = new ByosConnection();
    resource.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName(name).build());
    return ConnectionIdentity.of(client.resource(resource).create());
  }
}

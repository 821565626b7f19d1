package dev.seedbox.operator.byos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.seedbox.api.status.Condition;
import dev.seedbox.api.v1alpha1.ByosConnection;
import dev.seedbox.api.v1alpha1.ByosConnectionSpec;
import dev.seedbox.api.v1alpha1.ByosPhase;
import dev.seedbox.api.v1alpha1.SecretStoreKind;
import dev.seedbox.keys.key.PrivateKeyMaterial;
import dev.seedbox.keys.store.KubernetesSecretStore;
import dev.seedbox.keys.store.SecretRef;
import dev.seedbox.keys.store.VaultConfig;
import dev.seedbox.keys.store.VaultSecretRef;
import dev.seedbox.keys.store.VaultSecretStore;
import dev.seedbox.keys.testing.CapturedLogs;
import dev.seedbox.keys.testing.Commands;
import dev.seedbox.ledger.audit.AuditEvent;
import dev.seedbox.ledger.byos.ByosConnectionRecord;
import dev.seedbox.operator.harness.AccountsOperatorFixture;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.OpenSSHPrivateKeyUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** ByosConnections against a real SSH server, real PostgreSQL, Kubernetes Secrets and a fake Vault. */
class ByosConnectionReconcilerTest {

  @RegisterExtension
  static final AccountsOperatorFixture harness = new AccountsOperatorFixture(true);

  private static final String NS = "customer-c";
  private static final String USER = "seedbox";

  @TempDir
  Path temp;

  @Test
  void connectsOnceTheCustomerRunsTheOnboardingCommandAndRotatesWithoutLosingAccess() throws Exception {
    ByosConnection created = harness.create(connection("home-server", "127.0.0.1", SecretStoreKind.KUBERNETES));
    String uid = created.getMetadata().getUid();
    Path home = temp.resolve("home");
    harness.ssh().authorizeFrom(USER, home.resolve(".ssh/authorized_keys"));

    ByosConnection awaiting = awaitConnection("home-server",
        c -> c.getStatus().getPhase() == ByosPhase.AWAITING_AUTHORIZATION);
    assertThat(awaiting.getStatus().getSecretRef()).isEqualTo("kubernetes:" + NS + "/home-server-key-0#ssh-privatekey");
    assertThat(awaiting.getStatus().getObservedRotation()).isZero();
    ByosConnectionRecord row = harness.ledger().byos().find(uid).orElseThrow();
    assertThat(row.publicKey()).isEqualTo(awaiting.getStatus().getPublicKey());
    assertThat(row.fingerprint()).isEqualTo(awaiting.getStatus().getFingerprint());
    assertThat(row.secretRef()).isEqualTo(awaiting.getStatus().getSecretRef());
    assertThat(row.pinnedHostKey()).isNull();

    onboard(home, awaiting.getStatus().getOnboardingCommand());
    ByosConnection connected = awaitConnection("home-server", c -> c.getStatus().getPhase() == ByosPhase.CONNECTED);
    assertThat(connected.getStatus().getObservedHostKeyFingerprint()).isEqualTo(harness.ssh().hostKeyFingerprint());
    assertThat(harness.ledger().byos().find(uid).orElseThrow().pinnedHostKey())
        .isEqualTo(harness.ssh().hostKeyFingerprint());
    assertThat(auditActions(uid)).contains("byos.key-issued", "byos.registered", "byos.host-key-pinned",
        "byos.connected");
    assertThat(reasons("home-server")).contains("KeyIssued", "AwaitingAuthorization", "Connected");

    // rotation: a new key and command; the old key keeps working until the new one verifies
    edit("home-server", spec -> spec.setRotation(1L));
    ByosConnection rotating = awaitConnection("home-server", c -> Long.valueOf(1).equals(
        c.getStatus().getObservedRotation()) && c.getStatus().getPhase() == ByosPhase.AWAITING_AUTHORIZATION);
    assertThat(rotating.getStatus().getFingerprint()).isNotEqualTo(connected.getStatus().getFingerprint());
    assertThat(rotating.getStatus().getSecretRef()).endsWith("home-server-key-1#ssh-privatekey");
    assertThat(secretExists("home-server-key-0")).as("old key kept until the new one verifies").isTrue();
    assertThat(harness.ledger().byos().find(uid).orElseThrow().secretRef()).isEqualTo(row.secretRef());

    onboard(home, rotating.getStatus().getOnboardingCommand());
    await().atMost(Duration.ofSeconds(15)).until(() -> !secretExists("home-server-key-0"));
    ByosConnection rotated = awaitConnection("home-server", c -> c.getStatus().getPhase() == ByosPhase.CONNECTED);
    assertThat(rotated.getStatus().getFingerprint()).isEqualTo(rotating.getStatus().getFingerprint());
    assertThat(harness.ledger().byos().find(uid).orElseThrow().secretRef())
        .isEqualTo(rotating.getStatus().getSecretRef());
    assertThat(auditActions(uid)).contains("byos.key-revoked", "byos.updated");
    assertThat(reasons("home-server")).contains("KeyRotated");

    harness.client().resources(ByosConnection.class).inNamespace(NS).withName("home-server").delete();
    await().atMost(Duration.ofSeconds(15)).until(() -> fetch("home-server") == null);
    assertThat(secretExists("home-server-key-1")).isFalse();
    assertThat(auditActions(uid)).contains("byos.revoked");
    assertThat(reasons("home-server")).contains("KeysRevoked");
  }

  @Test
  void oneDroppedHandshakeDoesNotFailAConnectedConnection() throws Exception {
    harness.create(connection("flaky-network", "127.0.0.1", SecretStoreKind.KUBERNETES));
    Path home = temp.resolve("flaky-network");
    ByosConnection awaiting = awaitConnection("flaky-network",
        c -> c.getStatus().getPhase() == ByosPhase.AWAITING_AUTHORIZATION);
    onboard(home, awaiting.getStatus().getOnboardingCommand());
    harness.ssh().authorizeFrom(USER, home.resolve(".ssh/authorized_keys"));
    awaitConnection("flaky-network", c -> c.getStatus().getPhase() == ByosPhase.CONNECTED);

    harness.ssh().dropNextConnections(1);
    await().atMost(Duration.ofSeconds(15)).until(() -> !harness.ssh().dropping());
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
        .until(() -> fetch("flaky-network").getStatus().getPhase() == ByosPhase.CONNECTED);
    assertThat(reasons("flaky-network")).doesNotContain("Unreachable");
  }

  @Test
  void aChangedHostKeyFailsTheConnectionWithExpectedAndFound() throws Exception {
    String uid = harness.create(connection("reinstalled", "127.0.0.1", SecretStoreKind.KUBERNETES))
        .getMetadata().getUid();
    Path home = temp.resolve("reinstalled");
    ByosConnection awaiting = awaitConnection("reinstalled",
        c -> c.getStatus().getPhase() == ByosPhase.AWAITING_AUTHORIZATION);
    onboard(home, awaiting.getStatus().getOnboardingCommand());
    harness.ssh().authorizeFrom(USER, home.resolve(".ssh/authorized_keys"));
    awaitConnection("reinstalled", c -> c.getStatus().getPhase() == ByosPhase.CONNECTED);
    String pinned = harness.ssh().hostKeyFingerprint();

    harness.ssh().replaceHostKey();

    ByosConnection failed = awaitConnection("reinstalled", c -> c.getStatus().getPhase() == ByosPhase.FAILED);
    Condition ready = failed.getStatus().findCondition("Ready").orElseThrow();
    assertThat(ready.getReason()).isEqualTo("HostKeyMismatch");
    assertThat(ready.getMessage()).contains(pinned, harness.ssh().hostKeyFingerprint());
    assertThat(harness.ledger().byos().find(uid).orElseThrow().pinnedHostKey()).as("the pin stays").isEqualTo(pinned);
    assertThat(auditActions(uid)).contains("byos.host-key-mismatch");
    assertThat(harness.eventsFor(NS, "reinstalled")).filteredOn(e -> e.getReason().equals("HostKeyMismatch"))
        .isNotEmpty().allSatisfy(e -> assertThat(e.getType()).isEqualTo("Warning"));
  }

  /** Issue 12, attack 5: editing the host A→B→A re-pinned; the host key now changes only on an explicit request. */
  @Test
  void aPinnedConnectionRefusesAHostChangeNeverRePinsOnTheWayBackAndRePinsOnlyWhenAsked() throws Exception {
    String uid = harness.create(connection("moving", "127.0.0.1", SecretStoreKind.KUBERNETES)).getMetadata().getUid();
    Path home = temp.resolve("moving");
    harness.ssh().authorizeFrom(USER, home.resolve(".ssh/authorized_keys"));
    onboard(home, awaitConnection("moving", c -> c.getStatus().getPhase() == ByosPhase.AWAITING_AUTHORIZATION)
        .getStatus().getOnboardingCommand());
    awaitConnection("moving", c -> c.getStatus().getPhase() == ByosPhase.CONNECTED);
    String pinned = harness.ledger().byos().find(uid).orElseThrow().pinnedHostKey();

    edit("moving", spec -> spec.setHost("203.0.113.9"));
    ByosConnection refused = awaitConnection("moving", c -> c.getStatus().findCondition("Ready")
        .map(r -> "HostChangeRefused".equals(r.getReason())).orElse(false));
    assertThat(refused.getStatus().getPhase()).isEqualTo(ByosPhase.FAILED);
    assertThat(refused.getStatus().findCondition("Ready").orElseThrow().getMessage())
        .contains("203.0.113.9", "127.0.0.1", pinned, "spec.acceptHostKeyFingerprint");
    ByosConnectionRecord row = harness.ledger().byos().find(uid).orElseThrow();
    assertThat(row.host()).isEqualTo("127.0.0.1");
    assertThat(row.pinnedHostKey()).isEqualTo(pinned);
    assertThat(auditActions(uid)).contains("byos.host-change-refused");

    edit("moving", spec -> spec.setHost("127.0.0.1"));
    awaitConnection("moving", c -> c.getStatus().getPhase() == ByosPhase.CONNECTED);
    harness.ssh().replaceHostKey();
    awaitConnection("moving", c -> c.getStatus().findCondition("Ready")
        .map(r -> "HostKeyMismatch".equals(r.getReason())).orElse(false));
    assertThat(harness.ledger().byos().find(uid).orElseThrow().pinnedHostKey()).as("back on A, still A's pin")
        .isEqualTo(pinned);
    assertThat(auditActions(uid)).doesNotContain("byos.host-key-repinned");

    String reinstalled = harness.ssh().hostKeyFingerprint();
    edit("moving", spec -> spec.setAcceptHostKeyFingerprint(reinstalled));
    ByosConnection repinned = awaitConnection("moving", c -> c.getStatus().getPhase() == ByosPhase.CONNECTED);
    assertThat(repinned.getStatus().getObservedHostKeyFingerprint()).isEqualTo(reinstalled);
    assertThat(harness.ledger().byos().find(uid).orElseThrow().pinnedHostKey()).isEqualTo(reinstalled);
    assertThat(auditActions(uid).stream().filter("byos.host-key-repinned"::equals)).hasSize(1);
    assertThat(reasons("moving")).contains("HostChangeRefused", "HostKeyRepinned");
  }

  /**
   * Issue 12, attack 8: revocation deleted whatever reference the database row named (a runtime-writable column): a
   * Secret in kube-system, a Vault path outside our prefix. Both are refused and audited; the connection still goes.
   */
  @Test
  void deletingAConnectionWhoseRowNamesSomeoneElsesSecretRevokesOnlyItsOwnKey() throws Exception {
    harness.client().secrets().inNamespace("kube-system").resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
        .withNewMetadata().withName("victim").withLabels(Map.of("app.kubernetes.io/managed-by", "seedbox-operator"))
        .endMetadata().withType("kubernetes.io/ssh-auth").withData(Map.of("ssh-privatekey", "c29tZXRoaW5n"))
        .build()).create();
    HttpResponse<String> written = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(harness.vault().address() + "/v1/secret/data/payments/gateway"))
        .header("X-Vault-Token", harness.vault().token())
        .POST(HttpRequest.BodyPublishers.ofString("{\"data\":{\"api-key\":\"x\"}}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(written.statusCode()).isEqualTo(200);
    Map<String, String> foreign = Map.of("deputy-k8s", "kubernetes:kube-system/victim#ssh-privatekey",
        "deputy-vault", "vault:secret/payments/gateway#1");
    for (Map.Entry<String, String> target : foreign.entrySet()) {
      String uid = harness.create(connection(target.getKey(), "127.0.0.1", SecretStoreKind.KUBERNETES))
          .getMetadata().getUid();
      awaitConnection(target.getKey(), c -> c.getStatus().getPhase() == ByosPhase.AWAITING_AUTHORIZATION);
      try (Connection c = harness.database().runtime().getConnection(); Statement st = c.createStatement()) {
        assertThat(st.executeUpdate("UPDATE seedbox_byos_connections SET secret_ref = '" + target.getValue()
            + "' WHERE uid = '" + uid + "'")).isEqualTo(1);
      }

      harness.client().resources(ByosConnection.class).inNamespace(NS).withName(target.getKey()).delete();
      await().atMost(Duration.ofSeconds(15)).until(() -> fetch(target.getKey()) == null);

      assertThat(secretExists(target.getKey() + "-key-0")).as("its own key is revoked").isFalse();
      assertThat(auditActions(uid)).contains("byos.revocation-refused", "byos.revoked");
      assertThat(harness.ledger().audit().recent("byosconnection:" + uid, 50)).filteredOn(
          e -> e.action().equals("byos.revocation-refused")).singleElement()
          .satisfies(e -> assertThat(e.detailJson()).contains(target.getValue()));
    }
    assertThat(harness.client().secrets().inNamespace("kube-system").withName("victim").get()).isNotNull();
    assertThat(harness.vault().retainsData("secret", "payments/gateway", 1)).isTrue();
  }

  @Test
  void refusesADisallowedAddressWithoutConnecting() {
    String uid = harness.create(connection("metadata", "169.254.169.254", SecretStoreKind.KUBERNETES))
        .getMetadata().getUid();

    ByosConnection refused = awaitConnection("metadata", c -> c.getStatus().getPhase() == ByosPhase.FAILED);
    Condition ready = refused.getStatus().findCondition("Ready").orElseThrow();
    assertThat(ready.getReason()).isEqualTo("AddressRefused");
    assertThat(ready.getMessage()).contains("169.254.169.254", "SEEDBOX_SSH_ALLOWED_ADDRESSES");
    assertThat(harness.ssh().attempts()).as("nothing was sent anywhere with this key")
        .noneMatch(a -> a.keyFingerprint().equals(refused.getStatus().getFingerprint()));
    assertThat(refused.getStatus().getOnboardingCommand()).as("the key is still issued").isNotBlank();
    assertThat(auditActions(uid)).contains("byos.address-refused");
    assertThat(reasons("metadata")).contains("AddressRefused");
  }

  @Test
  void aPortOutsideTheSchemaFailsOnceWithInvalidSpecAndIssuesNoKey() {
    ByosConnection zero = connection("port-zero", "127.0.0.1", SecretStoreKind.KUBERNETES);
    zero.getSpec().setPort(0);
    harness.create(zero);

    ByosConnection failed = awaitConnection("port-zero", c -> c.getStatus().getPhase() == ByosPhase.FAILED);
    Condition ready = failed.getStatus().findCondition("Ready").orElseThrow();
    assertThat(ready.getReason()).isEqualTo("InvalidSpec");
    assertThat(ready.getMessage()).contains("spec.port", "found 0");
    assertThat(failed.getStatus().getOnboardingCommand()).as("no key for a connection that cannot work").isNull();
    assertThat(reasons("port-zero")).containsOnlyOnce("InvalidSpec");
  }

  @Test
  void keepsTheKeyInVaultWhenAskedAndDestroysItOnDeletion() throws Exception {
    String uid = harness.create(connection("vaulted", "127.0.0.1", SecretStoreKind.VAULT)).getMetadata().getUid();
    Path home = temp.resolve("vaulted");
    harness.ssh().authorizeFrom(USER, home.resolve(".ssh/authorized_keys"));
    ByosConnection awaiting = awaitConnection("vaulted",
        c -> c.getStatus().getPhase() == ByosPhase.AWAITING_AUTHORIZATION);
    VaultSecretRef ref = (VaultSecretRef) SecretRef.parse(awaiting.getStatus().getSecretRef());
    assertThat(harness.vault().hasPath(ref.mount(), ref.path())).isTrue();
    assertThat(secretExists("vaulted-key-0")).isFalse();

    onboard(home, awaiting.getStatus().getOnboardingCommand());
    awaitConnection("vaulted", c -> c.getStatus().getPhase() == ByosPhase.CONNECTED);

    harness.client().resources(ByosConnection.class).inNamespace(NS).withName("vaulted").delete();
    await().atMost(Duration.ofSeconds(15)).until(() -> fetch("vaulted") == null);
    assertThat(harness.vault().retainsData(ref.mount(), ref.path(), (int) ref.version())).isFalse();
    assertThat(auditActions(uid)).contains("byos.key-issued", "byos.connected", "byos.revoked");
  }

  @Test
  void noPrivateKeyMaterialReachesPostgresStatusLogsOrEvents() throws Exception {
    Map<String, String> needles = new LinkedHashMap<>();
    // the mock API server's dispatcher prints stored Secrets at DEBUG: it stands in for the store itself
    try (CapturedLogs logs = CapturedLogs.attachExcluding(Level.DEBUG,
        "io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher", "io.fabric8.mockwebserver")) {
      for (SecretStoreKind kind : List.of(SecretStoreKind.KUBERNETES, SecretStoreKind.VAULT)) {
        String name = "leak-" + kind.wireName();
        Path home = temp.resolve(name);
        harness.ssh().authorizeFrom(USER, home.resolve(".ssh/authorized_keys"));
        harness.create(connection(name, "127.0.0.1", kind));
        ByosConnection first = awaitConnection(name, c -> c.getStatus().getPhase() == ByosPhase.AWAITING_AUTHORIZATION);
        collect(needles, first.getStatus().getSecretRef());
        onboard(home, first.getStatus().getOnboardingCommand());
        awaitConnection(name, c -> c.getStatus().getPhase() == ByosPhase.CONNECTED);
        edit(name, spec -> spec.setRotation(1L));
        ByosConnection second = awaitConnection(name, c -> Long.valueOf(1).equals(c.getStatus().getObservedRotation())
            && c.getStatus().getPhase() == ByosPhase.AWAITING_AUTHORIZATION);
        collect(needles, second.getStatus().getSecretRef());
        onboard(home, second.getStatus().getOnboardingCommand());
        awaitConnection(name, c -> c.getStatus().getPhase() == ByosPhase.CONNECTED
            && c.getStatus().getSecretRef().equals(second.getStatus().getSecretRef()));
      }
      Map<String, String> haystacks = new LinkedHashMap<>();
      haystacks.put("PostgreSQL", everyRow());
      haystacks.put("ByosConnection statuses", Serialization.asJson(
          harness.client().resources(ByosConnection.class).inNamespace(NS).list().getItems()));
      haystacks.put("Kubernetes Events", Serialization.asJson(
          harness.client().v1().events().inNamespace(NS).list().getItems()));
      haystacks.put("logs and exception messages", logs.text());
      assertThat(haystacks.get("PostgreSQL")).contains("byos.connected");
      assertThat(logs.text()).contains("ByosConnection " + NS + "/leak-vault");
      for (Map.Entry<String, String> haystack : haystacks.entrySet()) {
        for (Map.Entry<String, String> needle : needles.entrySet()) {
          assertThat(haystack.getValue()).as(haystack.getKey() + " must not contain " + needle.getKey())
              .doesNotContain(needle.getValue());
        }
      }
    }
  }

  /** What a leak would look like: the PEM body and its lines, the seed and secret key in base64 and hex. */
  private static void collect(Map<String, String> needles, String refText) {
    SecretRef ref = SecretRef.parse(refText);
    PrivateKeyMaterial key = (ref.kind() == SecretStoreKind.VAULT
        ? new VaultSecretStore(new VaultConfig(harness.vault().address(), harness.vault().token()))
        : new KubernetesSecretStore(harness.client())).get(ref).orElseThrow();
    String[] lines = key.openSshText().strip().split("\n");
    StringBuilder body = new StringBuilder();
    for (int i = 1; i < lines.length - 1; i++) {
      body.append(lines[i]);
      if (i > 1 && lines[i].length() >= 16) {
        needles.put(refText + " PEM line " + i, lines[i]);
      }
    }
    needles.put(refText + " PEM body", body.toString());
    needles.put(refText + " file as base64", Base64.getEncoder().encodeToString(key.openSshBytes()));
    byte[] seed = ((Ed25519PrivateKeyParameters) OpenSSHPrivateKeyUtil.parsePrivateKeyBlob(
        Base64.getDecoder().decode(body.toString()))).getEncoded();
    needles.put(refText + " seed base64", Base64.getEncoder().encodeToString(seed));
    needles.put(refText + " seed base64url", Base64.getUrlEncoder().withoutPadding().encodeToString(seed));
    needles.put(refText + " seed hex", HexFormat.of().formatHex(seed));
    needles.put("PEM header", "OPENSSH PRIVATE KEY");
    key.wipe();
  }

  /** Every row of every table in the public schema, read as the superuser. */
  private static String everyRow() throws Exception {
    StringBuilder all = new StringBuilder();
    try (Connection c = harness.database().superuser().getConnection(); Statement s = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = s.executeQuery(
          "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      assertThat(tables).contains("seedbox_byos_connections", "seedbox_audit_events");
      for (String table : tables) {
        try (ResultSet rs = s.executeQuery("SELECT t::text FROM " + table + " t")) {
          while (rs.next()) {
            all.append(table).append(": ").append(rs.getString(1)).append('\n');
          }
        }
      }
    }
    return all.toString();
  }

  private static void onboard(Path home, String command) throws Exception {
    Files.createDirectories(home);
    Commands.Result result = Commands.run(List.of("bash", "-c", command), home,
        Map.of("HOME", home.toString(), "PATH", "/usr/bin:/bin"));
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(Files.readString(home.resolve(".ssh/authorized_keys"), StandardCharsets.UTF_8)).contains("seedbox:");
  }

  private static List<String> auditActions(String uid) {
    return harness.ledger().audit().recent("byosconnection:" + uid, 100).stream().map(AuditEvent::action).toList();
  }

  private static List<String> reasons(String name) {
    return harness.eventsFor(NS, name).stream().map(Event::getReason).toList();
  }

  private static boolean secretExists(String name) {
    return harness.client().secrets().inNamespace(NS).withName(name).get() != null;
  }

  private static void edit(String name, java.util.function.Consumer<ByosConnectionSpec> change) {
    harness.client().resources(ByosConnection.class).inNamespace(NS).withName(name).edit(c -> {
      change.accept(c.getSpec());
      return c;
    });
  }

  private static ByosConnection awaitConnection(String name, Predicate<ByosConnection> done) {
    return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> fetch(name), c -> c != null && c.getStatus() != null && c.getStatus().getPhase() != null
            && done.test(c));
  }

  private static ByosConnection fetch(String name) {
    return harness.client().resources(ByosConnection.class).inNamespace(NS).withName(name).get();
  }

  private static ByosConnection connection(String name, String host, SecretStoreKind store) {
    ByosConnectionSpec spec = new ByosConnectionSpec();
    spec.setHost(host);
    spec.setPort(harness.ssh().port());
    spec.setUser(USER);
    spec.setSecretStore(store);
    ByosConnection resource = new ByosConnection();
    resource.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName(name).build());
    resource.setSpec(spec);
    resource.setStatus(null);
    return resource;
  }
}

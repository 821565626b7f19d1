package dev.seedbox.operator.seedbox;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import dev.seedbox.api.v1alpha1.ByosConnection;
import dev.seedbox.api.v1alpha1.ByosConnectionSpec;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.api.v1alpha1.SeedboxSpec;
import dev.seedbox.hostchannel.credentials.CredentialStore;
import dev.seedbox.keys.key.Ed25519Keys;
import dev.seedbox.operator.host.ServerKeyPair;
import dev.seedbox.operator.host.ServerKeys;
import dev.seedbox.keys.key.PrivateKeyMaterial;
import dev.seedbox.keys.store.ConnectionIdentity;
import dev.seedbox.keys.store.KeySlot;
import dev.seedbox.keys.store.KubernetesSecretStore;
import dev.seedbox.keys.store.VaultConfig;
import dev.seedbox.keys.store.VaultSecretStore;
import dev.seedbox.keys.testing.CapturedLogs;
import dev.seedbox.keys.testing.FakeVault;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 12, attack 9: with {@code LOG_LEVEL=TRACE} fabric8's HTTP logging printed Secret bodies. The operator's
 * production logback.xml is loaded at TRACE, the real code paths write a BYOS key Secret, a web UI Secret and a
 * Vault key, and every line logged anywhere in the JVM is searched for the key and the password.
 */
@EnableKubernetesMockClient(crud = true)
class TraceLoggingLeaksNothingTest {

  static KubernetesClient mockClient;

  /** The mock API server stands in for the stores themselves; what it logs is the API server's business. */
  private static final String[] STORE_STAND_INS = {"io.fabric8.kubernetes.client.server.mock",
      "io.fabric8.mockwebserver"};

  @AfterEach
  void restoreTestLogging() throws JoranException {
    configure(getClass().getResource("/logback-test.xml"), "INFO");
  }

  @Test
  void atTraceNoPrivateKeyPasswordOrTokenIsLogged() throws Exception {
    configure(productionConfig(), "TRACE");
    assertThat(LoggerFactory.getLogger("dev.seedbox").isTraceEnabled()).as("LOG_LEVEL=TRACE took effect").isTrue();
    Map<String, String> needles = new LinkedHashMap<>();
    try (KubernetesClient client = clientBuiltAtThisLevel();
        FakeVault vault = FakeVault.start();
        CapturedLogs logs = CapturedLogs.attachExcluding(Level.TRACE, STORE_STAND_INS)) {
      writeSecretsThroughTheRealCodePaths(client, vault, needles);

      assertThat(logs.text()).as("the code paths ran and logged").contains("created key Secret");
      for (Map.Entry<String, String> needle : needles.entrySet()) {
        assertThat(logs.text()).as("logs must not contain " + needle.getKey()).doesNotContain(needle.getValue());
      }
    }
  }

  /** The control: the same path with fabric8's HTTP logger at TRACE does print the body, so the search can fail. */
  @Test
  void theSearchFindsABodyWhenTheHttpLoggerIsLetThrough() throws Exception {
    configure(productionConfig(), "TRACE");
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.fabric8.kubernetes.client.http"))
        .setLevel(Level.TRACE);
    String marker = Base64.getEncoder().encodeToString("control-body-marker".getBytes(StandardCharsets.UTF_8));
    try (KubernetesClient client = clientBuiltAtThisLevel();
        CapturedLogs logs = CapturedLogs.attachExcluding(Level.TRACE, STORE_STAND_INS)) {
      client.secrets().inNamespace("control").resource(new SecretBuilder()
          .withNewMetadata().withName("control").endMetadata().withData(Map.of("value", marker)).build()).create();

      assertThat(logs.text()).contains(marker);
    }
  }

  /** fabric8 adds its HTTP logging when a client is built with TRACE on, as a production client built at start is. */
  private static KubernetesClient clientBuiltAtThisLevel() {
    return new KubernetesClientBuilder().withConfig(mockClient.getConfiguration()).build();
  }

  private static void writeSecretsThroughTheRealCodePaths(KubernetesClient client, FakeVault vault,
      Map<String, String> needles) {
    ByosConnection connection = new ByosConnection();
    connection.setMetadata(new ObjectMetaBuilder().withNamespace("tenant").withName("home").build());
    ByosConnectionSpec spec = new ByosConnectionSpec();
    spec.setHost("203.0.113.7");
    spec.setUser("seedbox");
    connection.setSpec(spec);
    ConnectionIdentity identity = ConnectionIdentity.of(client.resource(connection).create());

    PrivateKeyMaterial inKubernetes = new Ed25519Keys().generate("seedbox:tenant/home#0").privateKey();
    collect(needles, "Secret key", inKubernetes);
    new KubernetesSecretStore(client).put(new KeySlot(identity, 0), inKubernetes);
    PrivateKeyMaterial inVault = new Ed25519Keys().generate("seedbox:tenant/home#1").privateKey();
    collect(needles, "Vault key", inVault);
    new VaultSecretStore(new VaultConfig(vault.address(), vault.token())).put(new KeySlot(identity, 1), inVault);
    needles.put("Vault token", vault.token());

    Seedbox seedbox = new Seedbox();
    seedbox.setMetadata(new ObjectMetaBuilder().withNamespace("tenant").withName("box").build());
    SeedboxSpec boxSpec = new SeedboxSpec();
    boxSpec.setAccountRef("acme");
    boxSpec.setPlan("starter");
    seedbox.setSpec(boxSpec);
    Seedbox stored = client.resource(seedbox).create();
    CredentialStore webUi = new WebUiSecret(client).store(stored);
    String password = "staged-and-promoted-0123";
    webUi.stage(password, 0);
    webUi.promote();
    Secret secret = client.secrets().inNamespace("tenant").withName(WebUiSecret.name(stored)).get();
    assertThat(webUi.read().current()).contains(password);
    needles.put("web UI password", password);
    needles.put("web UI password as Secret data", secret.getData().get(WebUiSecret.PASSWORD));

    ServerKeyPair serverKeys = new ServerKeys(client, new Ed25519Keys()).ensure(stored);
    collect(needles, "management key", serverKeys.management().privateKey());
    collect(needles, "server host key", serverKeys.host().privateKey());
  }

  private static void collect(Map<String, String> needles, String what, PrivateKeyMaterial key) {
    String[] lines = key.openSshText().strip().split("\n");
    for (int i = 1; i < lines.length - 1; i++) {
      needles.put(what + " PEM line " + i, lines[i].substring(0, Math.min(lines[i].length(), 40)));
    }
    String file = Base64.getEncoder().encodeToString(key.openSshBytes());
    needles.put(what + " file as base64", file.substring(0, 64));
    needles.put(what + " file as base64, later part", file.substring(file.length() - 64));
    needles.put("PEM header", "OPENSSH PRIVATE KEY");
  }

  private static URL productionConfig() {
    // main resources are on the test classpath too; logback itself prefers logback-test.xml, we load the other
    URL config = TraceLoggingLeaksNothingTest.class.getResource("/logback.xml");
    assertThat(config).as("operator/src/main/resources/logback.xml on the classpath").isNotNull();
    assertThat(config.getPath()).contains("classes").doesNotContain("test-classes");
    return config;
  }

  private static void configure(URL config, String level) throws JoranException {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    context.putProperty("LOG_LEVEL", level);
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(config);
  }
}

package dev.seedbox.operator.rbac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.v1alpha1.BillingAccount;
import dev.seedbox.api.v1alpha1.BillingAccountSpec;
import dev.seedbox.api.v1alpha1.ByosConnection;
import dev.seedbox.api.v1alpha1.ByosConnectionSpec;
import dev.seedbox.api.v1alpha1.ByosPhase;
import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.api.v1alpha1.SecretStoreKind;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.api.v1alpha1.SeedboxSpec;
import dev.seedbox.keys.testing.Commands;
import dev.seedbox.operator.harness.AccountsOperatorFixture;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's RBAC, derived from what it does: the operator runs against the mock API with a dispatcher that
 * records each request as the rule it needs, while the test drives a BillingAccount, a Seedbox and a
 * ByosConnection through their lifecycles (open, top up, provision, rotate credentials, suspend, resume, connect,
 * rotate the key, delete). The chart's rules for the watched resources (the ClusterRole, or each Role with
 * watchNamespaces) must be exactly those: nothing unused, nothing missing. (The leader-election Role and the
 * rules-review ClusterRole are checked in charts/; leader election is off in this fixture.)
 */
class OperatorRbacMatchesChartTest {

  private static final ApiCallRecorder RECORDER = new ApiCallRecorder(Map.of(
      HasMetadata.getKind(Seedbox.class), HasMetadata.getGroup(Seedbox.class) + "/" + HasMetadata.getPlural(Seedbox.class),
      HasMetadata.getKind(BillingAccount.class),
      HasMetadata.getGroup(BillingAccount.class) + "/" + HasMetadata.getPlural(BillingAccount.class),
      HasMetadata.getKind(ByosConnection.class),
      HasMetadata.getGroup(ByosConnection.class) + "/" + HasMetadata.getPlural(ByosConnection.class)));

  @RegisterExtension
  static final AccountsOperatorFixture harness = new AccountsOperatorFixture(false, () -> RECORDER);

  private static final String NS = "rbac";
  private static final String USER = "seedbox";
  private static KubernetesClient driver;

  @TempDir
  Path temp;

  @AfterAll
  static void closeDriver() {
    if (driver != null) {
      driver.close();
    }
  }

  @Test
  void theChartGrantsExactlyTheCallsTheOperatorMakes() throws Exception {
    driveEveryLifecycle();

    Map<String, Set<String>> recorded = RECORDER.rules();
    assertThat(recorded).as("the lifecycles ran through the API")
        .containsKeys("/secrets", "/events", "seedbox.dev/seedboxes/status", "seedbox.dev/byosconnections");
    assertThat(recorded).doesNotContainKey("?");
    for (String values : List.of("", "namespaced.yaml")) {
      for (JsonNode role : operatorRoles(values)) {
        assertThat(grants(role)).as("%s %s with values [%s]", role.path("kind").asText(),
            role.path("metadata").path("namespace").asText(""), values).isEqualTo(recorded);
      }
    }
  }

  private void driveEveryLifecycle() throws Exception {
    BillingAccount account = create(account("acme"));
    String accountUid = account.getMetadata().getUid();
    awaitUntil(BillingAccount.class, "acme", ba -> ba.getStatus() != null && ba.getStatus().getState() != null);
    harness.ledger().ledger().creditTopUp(accountUid, "pay-rbac-1", 10_000, "test:gateway");

    create(seedbox("box"));
    awaitUntil(Seedbox.class, "box", sb -> phase(sb) == Phase.ACTIVE);
    edit(Seedbox.class, "box", sb -> {
      sb.getSpec().setCredentialsRotation(1L);
      return sb;
    });
    awaitUntil(Seedbox.class, "box", sb -> Long.valueOf(1).equals(sb.getStatus().getObservedCredentialsRotation()));
    edit(Seedbox.class, "box", sb -> {
      sb.getSpec().setSuspend(true);
      sb.getSpec().setSuspendReason("rbac test");
      return sb;
    });
    awaitUntil(Seedbox.class, "box", sb -> phase(sb) == Phase.SUSPENDED);
    edit(Seedbox.class, "box", sb -> {
      sb.getSpec().setSuspend(false);
      return sb;
    });
    awaitUntil(Seedbox.class, "box", sb -> phase(sb) == Phase.ACTIVE);

    Path home = temp.resolve("home");
    harness.ssh().authorizeFrom(USER, home.resolve(".ssh/authorized_keys"));
    create(connection("home"));
    onboard(home, awaitUntil(ByosConnection.class, "home", c -> byosPhase(c) == ByosPhase.AWAITING_AUTHORIZATION)
        .getStatus().getOnboardingCommand());
    awaitUntil(ByosConnection.class, "home", c -> byosPhase(c) == ByosPhase.CONNECTED);
    edit(ByosConnection.class, "home", c -> {
      c.getSpec().setRotation(1L);
      return c;
    });
    onboard(home, awaitUntil(ByosConnection.class, "home", c -> Long.valueOf(1).equals(c.getStatus().getObservedRotation())
        && byosPhase(c) == ByosPhase.AWAITING_AUTHORIZATION).getStatus().getOnboardingCommand());
    awaitUntil(ByosConnection.class, "home", c -> byosPhase(c) == ByosPhase.CONNECTED
        && c.getStatus().getSecretRef().endsWith("home-key-1#ssh-privatekey"));

    delete(ByosConnection.class, "home");
    delete(Seedbox.class, "box");
    // the account's finalizer holds the deletion while credit remains, until a refund brings the balance to 0
    driver().resources(BillingAccount.class).inNamespace(NS).withName("acme").delete();
    awaitUntil(BillingAccount.class, "acme", ba -> ba.getStatus().findCondition("DeletionBlocked")
        .map(c -> c.getReason().equals("CreditRemains")).orElse(false));
    long balance = harness.ledger().ledger().balance(accountUid);
    harness.ledger().ledger().adjust(accountUid, "refund-rbac", -balance, "refunded: rbac test", "test");
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> driver().resources(BillingAccount.class).inNamespace(NS).withName("acme").get() == null);
  }

  // ---- the chart ------------------------------------------------------------------------------------------------

  private static List<JsonNode> operatorRoles(String valuesFile) throws Exception {
    Path chart = Path.of(System.getProperty("seedbox.chart", "../charts/seedbox-control-plane")).toAbsolutePath();
    var template = new Helm(chart).template().withName("seedbox").withNamespace("seedbox-system");
    if (!valuesFile.isEmpty()) {
      template = template.withValuesFile(chart.resolveSibling("src/test/resources/values").resolve(valuesFile));
    }
    String manifest = template.call();
    List<JsonNode> roles = new java.util.ArrayList<>();
    try (MappingIterator<JsonNode> docs = new YAMLMapper().readerFor(JsonNode.class).readValues(manifest)) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc != null && List.of("ClusterRole", "Role").contains(doc.path("kind").asText())
            && doc.path("metadata").path("name").asText().equals("seedbox-operator")) {
          roles.add(doc);
        }
      }
    }
    assertThat(roles).as("the operator's role(s) in the render with [%s]", valuesFile).isNotEmpty();
    return roles;
  }

  private static Map<String, Set<String>> grants(JsonNode role) {
    Map<String, Set<String>> grants = new TreeMap<>();
    for (JsonNode rule : role.path("rules")) {
      for (JsonNode group : rule.path("apiGroups")) {
        for (JsonNode resource : rule.path("resources")) {
          Set<String> verbs = grants.computeIfAbsent(group.asText() + "/" + resource.asText(), k -> new TreeSet<>());
          rule.path("verbs").forEach(v -> verbs.add(v.asText()));
        }
      }
    }
    return grants;
  }

  // ---- driving the resources ------------------------------------------------------------------------------------

  private static synchronized KubernetesClient driver() {
    if (driver == null) {
      driver = new KubernetesClientBuilder().withConfig(new ConfigBuilder(harness.client().getConfiguration())
          .withUserAgent(ApiCallRecorder.DRIVER_USER_AGENT).build()).build();
    }
    return driver;
  }

  private static <T extends HasMetadata> T create(T resource) {
    return driver().resource(resource).create();
  }

  private static <T extends HasMetadata> void edit(Class<T> type, String name, UnaryOperator<T> change) {
    driver().resources(type).inNamespace(NS).withName(name).edit(change);
  }

  private static <T extends HasMetadata> void delete(Class<T> type, String name) {
    driver().resources(type).inNamespace(NS).withName(name).delete();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> driver().resources(type).inNamespace(NS).withName(name).get() == null);
  }

  private static <T extends HasMetadata> T awaitUntil(Class<T> type, String name, Predicate<T> done) {
    return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> driver().resources(type).inNamespace(NS).withName(name).get(), r -> r != null && done.test(r));
  }

  private static Phase phase(Seedbox sb) {
    return sb.getStatus() == null ? null : sb.getStatus().getPhase();
  }

  private static ByosPhase byosPhase(ByosConnection c) {
    return c.getStatus() == null ? null : c.getStatus().getPhase();
  }

  private static void onboard(Path home, String command) throws Exception {
    Files.createDirectories(home);
    Commands.Result result = Commands.run(List.of("bash", "-c", command), home,
        Map.of("HOME", home.toString(), "PATH", "/usr/bin:/bin"));
    assertThat(result.exitCode()).as(result.stderr()).isZero();
  }

  private static BillingAccount account(String name) {
    BillingAccountSpec spec = new BillingAccountSpec();
    spec.setOwner(name + "@example.com");
    BillingAccount resource = new BillingAccount();
    resource.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName(name).build());
    resource.setSpec(spec);
    resource.setStatus(null);
    return resource;
  }

  private static Seedbox seedbox(String name) {
    SeedboxSpec spec = new SeedboxSpec();
    spec.setAccountRef("acme");
    spec.setPlan("starter");
    spec.setProvider(ProviderKind.INMEMORY);
    spec.setRegion("local");
    Seedbox resource = new Seedbox();
    resource.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName(name).build());
    resource.setSpec(spec);
    resource.setStatus(null);
    return resource;
  }

  private static ByosConnection connection(String name) {
    ByosConnectionSpec spec = new ByosConnectionSpec();
    spec.setHost("127.0.0.1");
    spec.setPort(harness.ssh().port());
    spec.setUser(USER);
    spec.setSecretStore(SecretStoreKind.KUBERNETES);
    ByosConnection resource = new ByosConnection();
    resource.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName(name).build());
    resource.setSpec(spec);
    resource.setStatus(null);
    return resource;
  }
}

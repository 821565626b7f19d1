package dev.seedbox.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The real kubectl against the dev stack's API, as a user follows the README: apply (client- and server-side), get
 * with the printer columns, get -w, describe with the operator's Events, explain, patch, delete, namespaces and
 * Secrets, and an invalid object refused with 422 and its field errors. Also: an object stored behind the schema's
 * back does not stop the dev stack.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlAgainstDevStackTest {

  private static DevStack stack;
  private static Path workDir;
  private static Kubectl kubectl;

  @BeforeAll
  static void start() throws IOException {
    Path root = DevStack.findRoot(Path.of(""));
    workDir = Files.createDirectories(root.resolve("dev-stack/target/kubectl-test"));
    stack = DevStack.start(root, workDir);
    kubectl = Kubectl.require(stack.kubeconfig(), workDir.resolve("kube-cache"));
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @Order(1)
  void getShowsThePrinterColumns() {
    Kubectl.Result seedboxes = kubectl.run("get", "seedboxes");

    assertThat(seedboxes.ok()).as(seedboxes.output()).isTrue();
    assertThat(seedboxes.output().lines().findFirst().orElseThrow())
        .contains("NAME", "PHASE", "READY", "PLAN", "PROVIDER", "AGE").doesNotContain("REGION");
    // the columns in the CRD's order, with their values
    assertThat(seedboxes.output()).containsPattern("acme-films\\s+\\S+\\s+starter-1tb\\s+inmemory\\s+False\\s+"
        + "<none>\\s+<none>\\s+Pending");

    Kubectl.Result wide = kubectl.run("get", "sb", "acme-films", "-o", "wide");
    assertThat(wide.output().lines().findFirst().orElseThrow()).contains("REGION");

    Kubectl.Result all = kubectl.run("get", "seedbox-all");
    assertThat(all.ok()).as(all.output()).isTrue();
    assertThat(all.output()).contains("seedbox.seedbox.dev/acme-films", "billingaccount.seedbox.dev/acme-media",
        "byosconnection.seedbox.dev/acme-homelab");

    Kubectl.Result one = kubectl.run("get", "seedbox", "acme-films");
    assertThat(one.ok()).as("the category is no kind's name: " + one.output()).isTrue();
  }

  @Test
  @Order(1)
  void describeShowsTheOperatorsEventsForThatObjectOnly() {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      Kubectl.Result described = kubectl.run("describe", "seedbox", "acme-films");
      assertThat(described.ok()).as(described.output()).isTrue();
      assertThat(described.output()).contains("Events:").contains("AwaitingPayment")
          .doesNotContain("acme-archive");
    });
  }

  @Test
  @Order(1)
  void anInvalidObjectIsRefusedWith422AndItsFieldErrors() throws IOException {
    Path bad = Files.writeString(workDir.resolve("bad-seedbox.yaml"), """
        apiVersion: seedbox.dev/v1alpha1
        kind: Seedbox
        metadata:
          name: old-client
        spec:
          accountRef: acme-media
          plan: starter-1tb
          provider: inmemory
          region: local
          client: utorrent
        """);

    Kubectl.Result refused = kubectl.run("apply", "-f", bad.toString());

    assertThat(refused.ok()).as(refused.output()).isFalse();
    assertThat(refused.output()).contains("is invalid")
        .contains("spec.client: Unsupported value: \"utorrent\": supported values: \"deluge\", \"qbittorrent\"");
    assertThat(kubectl.run("get", "sb", "old-client").output()).contains("NotFound");

    // kubectl leaves validation to the API, which offers fieldValidation in its OpenAPI v3 document as a cluster
    // does: a wrong type is refused with 422, an undeclared field (fieldValidation=Strict) with 400
    Path wrongType = Files.writeString(workDir.resolve("bad-connection.yaml"), """
        apiVersion: seedbox.dev/v1alpha1
        kind: ByosConnection
        metadata:
          name: typo
        spec:
          host: homelab.example
          user: seedbox
          port: "twenty-two"
        """);
    Kubectl.Result caught = kubectl.run("apply", "-f", wrongType.toString());
    assertThat(caught.ok()).as(caught.output()).isFalse();
    assertThat(caught.output()).contains("The ByosConnection \"typo\" is invalid: spec.port: Invalid value: "
        + "\"twenty-two\"").contains("integer expected");
    assertThat(kubectl.run("get", "byos", "typo").output()).contains("NotFound");

    Path typo = Files.writeString(workDir.resolve("misspelt-seedbox.yaml"), """
        apiVersion: seedbox.dev/v1alpha1
        kind: Seedbox
        metadata:
          name: misspelt
        spec:
          accountRef: acme-media
          plna: starter-1tb
          plan: starter-1tb
          provider: inmemory
          region: local
        """);
    Kubectl.Result misspelt = kubectl.run("apply", "-f", typo.toString());
    assertThat(misspelt.ok()).as(misspelt.output()).isFalse();
    assertThat(misspelt.output()).contains("strict decoding error: unknown field \"spec.plna\"");
    assertThat(kubectl.run("get", "sb", "misspelt").output()).contains("NotFound");

    Kubectl.Result badPatch = kubectl.run("patch", "sb", "acme-films", "--type", "merge", "-p",
        "{\"spec\":{\"client\":\"utorrent\"}}");
    assertThat(badPatch.ok()).as(badPatch.output()).isFalse();
    assertThat(badPatch.output()).contains("spec.client: Unsupported value");
  }

  @Test
  @Order(1)
  void openApiV3ListsOurGroupAndDescribesOurKinds() {
    Kubectl.Result discovery = kubectl.run("get", "--raw", "/openapi/v3");
    assertThat(discovery.ok()).as(discovery.output()).isTrue();
    assertThat(discovery.output()).containsPattern("\"apis/seedbox.dev/v1alpha1\":\\{\"serverRelativeURL\":"
        + "\"/openapi/v3/apis/seedbox.dev/v1alpha1\\?hash=[0-9A-F]+\"");

    Kubectl.Result document = kubectl.run("get", "--raw", "/openapi/v3/apis/seedbox.dev/v1alpha1");
    assertThat(document.ok()).as(document.output()).isTrue();
    assertThat(document.output()).contains("\"dev.seedbox.v1alpha1.Seedbox\"",
        "\"dev.seedbox.v1alpha1.ByosConnection\"", "\"io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta\"",
        "\"x-kubernetes-group-version-kind\"");
  }

  @Test
  @Order(1)
  void explainDescribesOurFieldsFromTheCrd() {
    Kubectl.Result spec = kubectl.run("explain", "seedbox.spec");
    assertThat(spec.ok()).as(spec.output()).isTrue();
    assertThat(spec.output()).contains("KIND:       Seedbox", "VERSION:    v1alpha1")
        .contains("accountRef\t<string> -required-")
        .contains("Plan id from the plan catalog; it fixes price, storage and server size.");

    Kubectl.Result client = kubectl.run("explain", "seedbox.spec.client");
    assertThat(client.ok()).as(client.output()).isTrue();
    assertThat(client.output()).contains("FIELD: client <string>", "BitTorrent client to install.")
        .containsPattern("ENUM:\\s+deluge\\s+qbittorrent\\s+rtorrent\\s+transmission");

    Kubectl.Result metadata = kubectl.run("explain", "byosconnection.metadata.name");
    assertThat(metadata.ok()).as("ObjectMeta is described too: " + metadata.output()).isTrue();
  }

  @Test
  @Order(2)
  void applyPatchAndDeleteWorkAsOnACluster() throws IOException {
    Path good = Files.writeString(workDir.resolve("seedbox.yaml"), """
        apiVersion: seedbox.dev/v1alpha1
        kind: Seedbox
        metadata:
          name: kubectl-box
        spec:
          accountRef: acme-media
          plan: starter-1tb
          provider: inmemory
          region: local
          client: transmission
        """);

    Kubectl.Result applied = kubectl.run("apply", "-f", good.toString());
    assertThat(applied.ok()).as(applied.output()).isTrue();
    assertThat(applied.output()).contains("seedbox.seedbox.dev/kubectl-box created");

    Kubectl.Result patched = kubectl.run("patch", "sb", "kubectl-box", "--type", "merge", "-p",
        "{\"spec\":{\"client\":\"qbittorrent\"}}");
    assertThat(patched.ok()).as(patched.output()).isTrue();
    assertThat(kubectl.run("get", "sb", "kubectl-box", "-o", "jsonpath={.spec.client}").output())
        .isEqualTo("qbittorrent");

    Kubectl.Result deleted = kubectl.run("delete", "sb", "kubectl-box", "--wait=false");
    assertThat(deleted.ok()).as(deleted.output()).isTrue();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(kubectl.run("get", "sb", "kubectl-box").output()).contains("NotFound"));
  }

  @Test
  @Order(2)
  void serverSideApplyCreatesThenUpdatesAndRecordsTheManager() throws IOException {
    Path box = Files.writeString(workDir.resolve("ssa-box.yaml"), """
        apiVersion: seedbox.dev/v1alpha1
        kind: Seedbox
        metadata:
          name: ssa-box
          labels:
            team: films
        spec:
          accountRef: acme-media
          plan: starter-1tb
          provider: inmemory
          region: local
          client: transmission
        """);

    Kubectl.Result created = kubectl.run("apply", "--server-side", "-f", box.toString());
    assertThat(created.ok()).as(created.output()).isTrue();
    assertThat(created.output()).contains("seedbox.seedbox.dev/ssa-box serverside-applied");
    assertThat(kubectl.run("get", "sb", "ssa-box", "--show-managed-fields", "-o",
        "jsonpath={.spec.client} {.metadata.managedFields[0].manager} {.metadata.managedFields[0].operation}")
        .output()).isEqualTo("transmission kubectl Apply");

    // the plan changes, and the client, applied before and no more, is removed as on a cluster
    Files.writeString(box, Files.readString(box).replace("starter-1tb", "pro-4tb")
        .replace("  client: transmission\n", ""));
    Kubectl.Result updated = kubectl.run("apply", "--server-side", "-f", box.toString());
    assertThat(updated.ok()).as(updated.output()).isTrue();
    assertThat(kubectl.run("get", "sb", "ssa-box", "-o", "jsonpath={.spec.plan} {.spec.client}|{.metadata.labels.team}")
        .output()).isEqualTo("pro-4tb |films");

    assertThat(kubectl.run("delete", "sb", "ssa-box", "--wait=false").ok()).isTrue();
  }

  @Test
  @Order(2)
  void serverSideApplyOfAnInvalidObjectIsRefusedWith422() throws IOException {
    Path bad = Files.writeString(workDir.resolve("ssa-invalid.yaml"), """
        apiVersion: seedbox.dev/v1alpha1
        kind: Seedbox
        metadata:
          name: ssa-invalid
        spec:
          accountRef: acme-media
          plan: starter-1tb
          provider: inmemory
          region: local
          client: utorrent
        """);

    Kubectl.Result refused = kubectl.run("apply", "--server-side", "-f", bad.toString());

    assertThat(refused.ok()).as(refused.output()).isFalse();
    assertThat(refused.output()).contains("is invalid")
        .contains("spec.client: Unsupported value: \"utorrent\": supported values: \"deluge\", \"qbittorrent\"");
    assertThat(kubectl.run("get", "sb", "ssa-invalid").output()).contains("NotFound");
  }

  @Test
  @Order(2)
  void aFieldAnotherManagerAppliedIsAConflictUntilForced() throws IOException {
    Path mine = Files.writeString(workDir.resolve("shared-box.yaml"), """
        apiVersion: seedbox.dev/v1alpha1
        kind: Seedbox
        metadata:
          name: shared-box
        spec:
          accountRef: acme-media
          plan: starter-1tb
          provider: inmemory
          region: local
        """);
    // a partial configuration, only the fields this manager cares about: the API validates the merged object
    Path theirs = Files.writeString(workDir.resolve("shared-box-argo.yaml"), """
        apiVersion: seedbox.dev/v1alpha1
        kind: Seedbox
        metadata:
          name: shared-box
        spec:
          plan: pro-4tb
        """);
    assertThat(kubectl.run("apply", "--server-side", "-f", mine.toString()).ok()).isTrue();

    Kubectl.Result conflict = kubectl.run("apply", "--server-side", "--field-manager", "argocd", "-f",
        theirs.toString());
    assertThat(conflict.ok()).as(conflict.output()).isFalse();
    assertThat(conflict.output()).contains("Apply failed with 1 conflict: conflict with \"kubectl\": .spec.plan");
    assertThat(kubectl.run("get", "sb", "shared-box", "-o", "jsonpath={.spec.plan}").output())
        .isEqualTo("starter-1tb");

    Kubectl.Result forced = kubectl.run("apply", "--server-side", "--field-manager", "argocd", "--force-conflicts",
        "-f", theirs.toString());
    assertThat(forced.ok()).as(forced.output()).isTrue();
    assertThat(kubectl.run("get", "sb", "shared-box", "-o", "jsonpath={.spec.plan} {.spec.accountRef}").output())
        .isEqualTo("pro-4tb acme-media");

    assertThat(kubectl.run("delete", "sb", "shared-box", "--wait=false").ok()).isTrue();
  }

  @Test
  @Order(2)
  void aServerDryRunStoresAndDeletesNothing() throws IOException {
    Path box = Files.writeString(workDir.resolve("dry-box.yaml"), """
        apiVersion: seedbox.dev/v1alpha1
        kind: Seedbox
        metadata:
          name: dry-box
        spec:
          accountRef: acme-media
          plan: starter-1tb
          provider: inmemory
          region: local
        """);

    for (String apply : List.of("--server-side=false", "--server-side=true")) {
      Kubectl.Result dryRun = kubectl.run("apply", apply, "--dry-run=server", "-f", box.toString());
      assertThat(dryRun.ok()).as(dryRun.output()).isTrue();
      assertThat(dryRun.output()).contains("(server dry run)");
      assertThat(kubectl.run("get", "sb", "dry-box").output()).contains("NotFound");
    }

    Kubectl.Result deleted = kubectl.run("delete", "sb", "acme-films", "--dry-run=server");
    assertThat(deleted.ok()).as(deleted.output()).isTrue();
    assertThat(kubectl.run("get", "sb", "acme-films", "-o", "jsonpath={.metadata.name}").output())
        .isEqualTo("acme-films");
  }

  @Test
  @Order(2)
  void getWatchPrintsEachChangeAsARow() throws Exception {
    Path box = Files.writeString(workDir.resolve("watched.yaml"), """
        apiVersion: seedbox.dev/v1alpha1
        kind: Seedbox
        metadata:
          name: watched-box
        spec:
          accountRef: acme-media
          plan: starter-1tb
          provider: inmemory
          region: local
        """);
    assertThat(kubectl.run("apply", "-f", box.toString()).ok()).isTrue();
    await().atMost(Duration.ofSeconds(30)).until(() -> kubectl.run("get", "sb", "watched-box", "-o",
        "jsonpath={.status.phase}").output().equals("Pending"));

    CompletableFuture<Kubectl.Result> watching = CompletableFuture.supplyAsync(
        () -> kubectl.run(Duration.ofSeconds(8), "get", "sb", "watched-box", "-w"));
    Thread.sleep(2500);
    assertThat(kubectl.run("patch", "sb", "watched-box", "--type", "merge", "-p",
        "{\"spec\":{\"plan\":\"pro-4tb\"}}").ok()).isTrue();
    Kubectl.Result watched = watching.get(30, TimeUnit.SECONDS);

    List<String> rows = watched.output().lines().filter(l -> l.startsWith("watched-box")).toList();
    assertThat(rows).as(watched.output()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(rows.get(0)).contains("starter-1tb");
    assertThat(rows.get(rows.size() - 1)).contains("pro-4tb");
    assertThat(watched.output()).doesNotContain("error", "Error");
  }

  @Test
  @Order(2)
  void namespacesAndSecretsCanBeCreated() {
    Kubectl.Result namespace = kubectl.run("create", "namespace", "seedbox-system");
    assertThat(namespace.ok()).as(namespace.output()).isTrue();

    Kubectl.Result secret = kubectl.run("-n", "seedbox-system", "create", "secret", "generic", "seedbox-api-token",
        "--from-literal=token=not-a-real-token");
    assertThat(secret.ok()).as(secret.output()).isTrue();
    assertThat(kubectl.run("-n", "seedbox-system", "get", "secret", "seedbox-api-token", "-o",
        "jsonpath={.data.token}").output()).isNotBlank();
  }

  @Test
  @Order(3)
  void aSeedboxStoredBehindTheSchemasBackGetsInvalidSpecAndTheRestKeepsRunning() {
    GenericKubernetesResource stored = new GenericKubernetesResource();
    stored.setApiVersion("seedbox.dev/v1alpha1");
    stored.setKind("Seedbox");
    stored.setMetadata(new ObjectMetaBuilder().withName("from-an-older-version").withNamespace("default").build());
    stored.setAdditionalProperty("spec", Map.of("accountRef", "acme-media", "plan", "starter-1tb",
        "provider", "inmemory", "region", "local", "client", "utorrent"));
    stack.kubernetes().storeUnvalidated(stored);

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(kubectl.run("get", "sb",
        "from-an-older-version", "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].reason}").output())
        .isEqualTo("InvalidSpec"));
    assertThat(kubectl.run("get", "sb", "from-an-older-version", "-o",
        "jsonpath={.status.conditions[?(@.type==\"Ready\")].message}").output())
        .startsWith("spec.client must be one of qbittorrent, transmission, deluge, rtorrent, found \"utorrent\"");
    assertThat(stack.operator().ready()).as("the operator still runs").isTrue();

    // the others are still reconciled: a new seedbox gets its first status
    stack.kubernetes().client().genericKubernetesResources("seedbox.dev/v1alpha1", "Seedbox").inNamespace("default")
        .resource(seedbox("after-the-bad-one")).create();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(kubectl.run("get", "sb",
        "after-the-bad-one", "-o", "jsonpath={.status.phase}").output()).isEqualTo("Pending"));
  }

  private static GenericKubernetesResource seedbox(String name) {
    GenericKubernetesResource seedbox = new GenericKubernetesResource();
    seedbox.setApiVersion("seedbox.dev/v1alpha1");
    seedbox.setKind("Seedbox");
    seedbox.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
    seedbox.setAdditionalProperty("spec", Map.of("accountRef", "acme-media", "plan", "starter-1tb",
        "provider", "inmemory", "region", "local"));
    return seedbox;
  }
}

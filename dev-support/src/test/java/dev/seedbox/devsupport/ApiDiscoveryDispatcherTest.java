package dev.seedbox.devsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With discovery served from the stored CRDs, discovery-driven clients (fabric8 generic calls, kubectl) work. */
class ApiDiscoveryDispatcherTest {

  private static EmbeddedKubernetes api;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void oneSeedboxInEachOfTwoNamespaces() {
    api = EmbeddedKubernetes.start(Path.of(System.getProperty("seedbox.crds", "../crds")));
    api.client().resource(seedbox("alpha", "team-a")).create();
    api.client().resource(seedbox("beta", "team-b")).create();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void fabric8DiscoveryFindsOurGroupAndResourcesWithShortNames() {
    assertThat(api.client().getApiGroups().getGroups()).extracting(APIGroup::getName)
        .contains("seedbox.dev", "apiextensions.k8s.io", "coordination.k8s.io");
    List<APIResource> resources = api.client().getApiResources("seedbox.dev/v1alpha1").getResources();
    assertThat(resources).extracting(APIResource::getName)
        .contains("seedboxes", "seedboxes/status", "billingaccounts", "byosconnections");
    APIResource seedboxes = resources.stream().filter(r -> r.getName().equals("seedboxes")).findFirst().orElseThrow();
    assertThat(seedboxes.getShortNames()).containsExactly("sb");
    assertThat(seedboxes.getNamespaced()).isTrue();
    assertThat(seedboxes.getKind()).isEqualTo("Seedbox");
  }

  @Test
  void genericClientResolvesKindToPluralThroughDiscovery() {
    List<GenericKubernetesResource> found = api.client()
        .genericKubernetesResources("seedbox.dev/v1alpha1", "Seedbox").inAnyNamespace().list().getItems();
    assertThat(found).extracting(r -> r.getMetadata().getName()).containsExactlyInAnyOrder("alpha", "beta");
  }

  @Test
  void unknownGroupVersionIsNotFoundAndCrudStillAnswersOtherPaths() {
    assertThat(api.client().getApiResources("nothere.example/v1")).isNull();
    assertThat(api.client().genericKubernetesResources("seedbox.dev/v1alpha1", "Seedbox").inNamespace("team-a")
        .withName("alpha").get()).isNotNull();
  }

  @Test
  void kubectlListsSeedboxesInAllNamespaces() throws Exception {
    Path kubeconfig = api.writeKubeconfig(tmp.resolve("kubeconfig"));
    Result result = kubectl(kubeconfig, "get", "seedboxes", "-A");
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("alpha").contains("beta").contains("team-a").contains("team-b");
  }

  @Test
  void kubectlResolvesTheShortName() throws Exception {
    Path kubeconfig = api.writeKubeconfig(tmp.resolve("kubeconfig-short"));
    Result result = kubectl(kubeconfig, "get", "sb", "-n", "team-b", "-o", "name");
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output().trim()).isEqualTo("seedbox.seedbox.dev/beta");
  }

  private record Result(int exitCode, String output) {
  }

  private static Result kubectl(Path kubeconfig, String... args) throws IOException, InterruptedException {
    Path binary = Path.of("/usr/bin/kubectl");
    String onPath = System.getenv().getOrDefault("PATH", "");
    Path found = null;
    for (String dir : onPath.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, "kubectl");
      if (Files.isExecutable(candidate)) {
        found = candidate;
        break;
      }
    }
    if (found == null && Files.isExecutable(binary)) {
      found = binary;
    }
    assumeTrue(found != null, "kubectl is not installed; skipping the kubectl check");
    List<String> command = new ArrayList<>(List.of(found.toString(), "--kubeconfig", kubeconfig.toString(),
        "--cache-dir", tmp.resolve("kube-cache").toString(), "--request-timeout", "20s"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    boolean done = process.waitFor(60, TimeUnit.SECONDS);
    if (!done) {
      process.destroyForcibly();
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(done ? process.exitValue() : -1, output);
  }

  private static GenericKubernetesResource seedbox(String name, String namespace) {
    GenericKubernetesResource sb = new GenericKubernetesResource();
    sb.setApiVersion("seedbox.dev/v1alpha1");
    sb.setKind("Seedbox");
    sb.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    sb.setAdditionalProperty("spec", java.util.Map.of("accountRef", "acme", "plan", "starter",
        "provider", "inmemory", "region", "local"));
    return sb;
  }
}

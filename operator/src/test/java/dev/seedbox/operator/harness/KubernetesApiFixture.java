package dev.seedbox.operator.harness;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An embedded Kubernetes API for a test class: the fabric8 mock server in CRUD mode with API discovery, the CRDs
 * from the repository's {@code crds/} folder applied, and a client for it.
 *
 * <pre>
 * &#64;RegisterExtension static final KubernetesApiFixture api = new KubernetesApiFixture();
 * </pre>
 * The CRD folder comes from the {@code seedbox.crds} system property (set by surefire in operator/pom.xml).
 */
public class KubernetesApiFixture implements BeforeAllCallback, AfterAllCallback {

  private final java.util.function.Supplier<? extends LeaseGrantingDispatcher> dispatchers;
  private LeaseGrantingDispatcher dispatcher;
  private KubernetesMockServer server;
  private NamespacedKubernetesClient client;

  public KubernetesApiFixture() {
    this(LeaseGrantingDispatcher::new);
  }

  /** With another dispatcher, e.g. one that records what the operator asks of the API. */
  protected KubernetesApiFixture(java.util.function.Supplier<? extends LeaseGrantingDispatcher> dispatchers) {
    this.dispatchers = dispatchers;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  public void start() {
    dispatcher = dispatchers.get();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init();
    client = server.createClient();
    for (CustomResourceDefinition crd : committedCrds()) {
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }
  }

  public void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.destroy();
    }
  }

  public NamespacedKubernetesClient client() {
    return client;
  }

  public KubernetesMockServer server() {
    return server;
  }

  public LeaseGrantingDispatcher dispatcher() {
    return dispatcher;
  }

  /** The API server's URL, e.g. for a kubeconfig. */
  public String url() {
    return client.getConfiguration().getMasterUrl();
  }

  /** Writes a kubeconfig that points kubectl (or anything else) at this API server. */
  public Path writeKubeconfig(Path file) {
    String yaml = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: seedbox-mock
          cluster:
            server: %s
        users:
        - name: developer
          user:
            token: not-checked
        contexts:
        - name: seedbox-mock
          context:
            cluster: seedbox-mock
            user: developer
            namespace: default
        current-context: seedbox-mock
        """.formatted(url().replaceAll("/$", ""));
    try {
      return Files.writeString(file, yaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Loads any Kubernetes object (a resource in {@code examples/}, say) into the mock. */
  public <T extends HasMetadata> T create(T resource) {
    return client.resource(resource).create();
  }

  static List<CustomResourceDefinition> committedCrds() {
    String folder = System.getProperty("seedbox.crds");
    if (folder == null) {
      throw new IllegalStateException("system property seedbox.crds is not set (surefire sets it in operator/pom.xml)");
    }
    try (Stream<Path> files = Files.list(Path.of(folder))) {
      List<Path> yamls = files.filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml"))
          .sorted().toList();
      if (yamls.isEmpty()) {
        throw new IllegalStateException("no CRD files in " + folder);
      }
      return yamls.stream().map(KubernetesApiFixture::readCrd).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static CustomResourceDefinition readCrd(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

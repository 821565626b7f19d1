package dev.seedbox.devsupport;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded Kubernetes API: the fabric8 mock server in CRUD mode behind {@link ClusterLikeApiDispatcher}, so real
 * kubectl can discover, read and write what is stored and custom resources are validated against their schemas,
 * with our CRDs applied from {@code crds/}. kubectl reaches it through {@link WatchStreamingFront}, which streams
 * watches over plain HTTP as client-go reads them (the mock serves them over WebSocket only). The operator runs
 * without leader election here, so no SelfSubjectRulesReview has to be answered.
 */
public final class EmbeddedKubernetes implements AutoCloseable {

  public static final String NAMESPACE = "default";

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKubernetes.class);
  // The mock server logs every request through java.util.logging; held here so the level sticks (JUL keeps
  // loggers weakly).
  private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final NamespacedKubernetesClient client;
  private final WatchStreamingFront front;

  private EmbeddedKubernetes(KubernetesMockServer server, NamespacedKubernetesClient client) {
    this.server = server;
    this.client = client;
    this.front = new WatchStreamingFront(java.net.URI.create(client.getConfiguration().getMasterUrl()), client);
  }

  public static EmbeddedKubernetes start(Path crdFolder) {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new ClusterLikeApiDispatcher(), false);
    server.init();
    NamespacedKubernetesClient client = server.createClient();
    EmbeddedKubernetes kubernetes = new EmbeddedKubernetes(server, client);
    try {
      for (Path file : yamlFiles(crdFolder)) {
        try (InputStream in = Files.newInputStream(file)) {
          client.apiextensions().v1().customResourceDefinitions()
              .resource(Serialization.unmarshal(in, CustomResourceDefinition.class)).create();
        }
      }
    } catch (IOException | RuntimeException e) {
      kubernetes.close();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
    LOG.info("Kubernetes API (fabric8 mock, CRUD mode, with discovery) on {}", kubernetes.url());
    return kubernetes;
  }

  /** Creates every object in the YAML files (multi-document allowed) in {@link #NAMESPACE}; returns them. */
  public List<HasMetadata> apply(List<Path> files) {
    List<HasMetadata> created = new ArrayList<>();
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        for (HasMetadata item : client.load(in).items()) {
          created.add(client.resource(item).inNamespace(NAMESPACE).create());
        }
      } catch (IOException e) {
        throw new UncheckedIOException("could not read " + file, e);
      }
    }
    return created;
  }

  /**
   * Stores an object without validating it against its CRD's schema: what a cluster holds when an object was
   * stored before its schema changed. For tests of how the operator copes.
   */
  public HasMetadata storeUnvalidated(HasMetadata object) {
    Config unchecked = new ConfigBuilder(client.getConfiguration())
        .withCustomHeaders(Map.of(ClusterLikeApiDispatcher.UNVALIDATED_HEADER, "true")).build();
    try (KubernetesClient writer = new KubernetesClientBuilder().withConfig(unchecked).build()) {
      return writer.resource(object).create();
    }
  }

  /** Writes a kubeconfig that points kubectl at this API server (the mock checks no credentials). */
  public Path writeKubeconfig(Path file) {
    String yaml = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: seedbox-dev-stack
          cluster:
            server: %s
        users:
        - name: developer
          user:
            token: dev-stack-not-checked
        contexts:
        - name: seedbox-dev-stack
          context:
            cluster: seedbox-dev-stack
            user: developer
            namespace: %s
        current-context: seedbox-dev-stack
        """.formatted(front.url(), NAMESPACE);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      return Files.writeString(file, yaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public NamespacedKubernetesClient client() {
    return client;
  }

  /** Where kubectl reaches the API (the kubeconfig's server): the mock behind a front that streams watches. */
  public String url() {
    return front.url();
  }

  @Override
  public void close() {
    try {
      front.close();
      client.close();
    } finally {
      server.destroy();
    }
  }

  static List<Path> yamlFiles(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      List<Path> yamls = files.filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml"))
          .sorted().toList();
      if (yamls.isEmpty()) {
        throw new IllegalStateException("no YAML files in " + folder);
      }
      return yamls;
    }
  }
}

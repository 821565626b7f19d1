package dev.seedbox.operator.bench;

import dev.seedbox.api.plan.PlanCatalog;
import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.hostchannel.inmemory.InMemoryHost;
import dev.seedbox.ledger.testing.PostgresDatabase;
import dev.seedbox.operator.AccountsWiring;
import dev.seedbox.operator.OperatorSettings;
import dev.seedbox.operator.OperatorWiring;
import dev.seedbox.operator.harness.TestSettings;
import dev.seedbox.operator.seedbox.SeedboxTiming;
import dev.seedbox.provisioning.ProviderRegistry;
import dev.seedbox.provisioning.ProvisioningProvider;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One benchmark's world: a fresh fabric8 mock API (CRUD mode, CRDs applied, the harness's dispatcher with request
 * counting), a fresh embedded PostgreSQL database and, on request, the operator wired as production wires it.
 */
final class BenchRig implements AutoCloseable {

  static final String PLANS = """
      plans:
        starter:
          displayName: Starter 1 TB
          pricePerPeriodCents: 1500
          storageGb: 1000
          providers:
            inmemory: { size: small, regions: [local] }
      """;

  final CountingDispatcher dispatcher = new CountingDispatcher();
  final KubernetesMockServer server;
  final KubernetesClient client;
  final PostgresDatabase database;
  private OperatorWiring wiring;
  private KubernetesClient operatorClient;

  BenchRig(boolean withDatabase) {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init();
    client = newClient();
    for (CustomResourceDefinition crd : crds()) {
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }
    database = withDatabase ? new PostgresDatabase(24) : null;
    if (database != null) {
      database.create();
    }
  }

  /** A client of its own (its own connection pool), like a separate process would have. */
  KubernetesClient newClient() {
    Config config = new ConfigBuilder(server.createClient().getConfiguration())
        .withMaxConcurrentRequests(256).withMaxConcurrentRequestsPerHost(256).build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** The production settings except HTTP on a free port and a JVM that survives losing the Lease. */
  static OperatorSettings settings(int reconcileThreads) {
    return TestSettings.settings().reconcileThreads(reconcileThreads).maxReconcileInterval(Duration.ofMinutes(2))
        .build();
  }

  OperatorWiring startOperator(KubernetesClient operatorClient, ProvisioningProvider provider, SeedboxTiming timing,
      int reconcileThreads) {
    this.operatorClient = operatorClient;
    wiring = OperatorWiring.start(settings(reconcileThreads), PlanCatalog.parse(PLANS, "bench plans"),
        operatorClient, Clock.systemUTC(), new OperatorWiring.Backends(database.runtime(),
            new ProviderRegistry(List.of(provider)), timing, AccountsWiring.Timings.DEFAULTS, false));
    return wiring;
  }

  /** With {@code provider} wrapping an in-memory provider whose servers run on {@code host}. */
  OperatorWiring startOperator(KubernetesClient operatorClient, ProvisioningProvider provider, InMemoryHost host,
      SeedboxTiming timing, int reconcileThreads) {
    this.operatorClient = operatorClient;
    wiring = OperatorWiring.start(settings(reconcileThreads), PlanCatalog.parse(PLANS, "bench plans"),
        operatorClient, Clock.systemUTC(), new OperatorWiring.Backends(database.runtime(),
            new ProviderRegistry(List.of(provider)), timing, AccountsWiring.Timings.DEFAULTS, false,
            Map.of(ProviderKind.INMEMORY, host)));
    return wiring;
  }

  void stopOperator() {
    if (wiring != null) {
      wiring.close();
      wiring = null;
    }
    if (operatorClient != null) {
      operatorClient.close();
      operatorClient = null;
    }
  }

  @Override
  public void close() {
    stopOperator();
    if (database != null) {
      database.close();
    }
    client.close();
    server.destroy();
  }

  private static List<CustomResourceDefinition> crds() {
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("seedbox.crds")))) {
      return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted()
          .map(BenchRig::readCrd).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static CustomResourceDefinition readCrd(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return Serialization.unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.seedbox.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** values.schema.json, as real Helm applies it before rendering. */
class ValuesSchemaTest {

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      negative operator replicas            | operator: {replicas: -1}                                  | operator.replicas
      negative billing replicas             | billingController: {replicas: -2}                         | billingController.replicas
      replicas as a word                    | billingController: {replicas: two}                        | billingController.replicas
      unknown provider                      | operator: {providers: {linode: {enabled: true}}}          | linode
      provider switch as a string           | operator: {providers: {hetzner: {enabled: "yes"}}}        | operator.providers.hetzner.enabled
      Go-style duration                     | operator: {maxReconcileInterval: 5m}                      | operator.maxReconcileInterval
      duration without an amount            | billingController: {gatewayTimeout: PT}                   | billingController.gatewayTimeout
      duration with a unit in the wrong part | billingController: {billingInterval: P5M}                | billingController.billingInterval
      unknown top-level key                 | replicaCount: 3                                           | replicaCount
      unknown key in database               | database: {password: hunter2}                             | password
      unknown key in vault                  | vault: {token: s.abc}                                     | token
      non-JDBC database URL                 | database: {url: "postgres://db/seedbox"}                  | database.url
      pool size zero                        | database: {poolSize: 0}                                   | database.poolSize
      port out of range                     | httpPort: 70000                                           | httpPort
      unknown pull policy                   | operator: {image: {pullPolicy: Sometimes}}                | operator.image.pullPolicy
      Vault on without an address           | vault: {enabled: true}                                    | vault
      Vault address that is not a URL       | vault: {enabled: true, address: vault:8200}               | vault.address
      watched namespace that is not a name  | operator: {watchNamespaces: [Tenant_A]}                   | operator.watchNamespaces
      plan catalog that is not a string     | planCatalog: {plans: {}}                                  | planCatalog
      """)
  void rejects(String description, String override, String field) throws Exception {
    Path values = Files.writeString(dir.resolve("values.yaml"), override + "\n");

    assertThatThrownBy(() -> RenderedChart.withValuesFile(values))
        .as(description)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(field);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      days and hours          | operator: {orphanSweepInterval: P1DT2H}
      fractional seconds      | billingController: {gatewayTimeout: PT0.5S}
      seconds only            | billingController: {paymentPollAfter: PT900S}
      no billing replicas     | billingController: {replicas: 0}
      development provider    | operator: {providers: {inmemory: {enabled: true}}}
      percentage budget       | billingController: {podDisruptionBudget: {enabled: true, maxUnavailable: 50%}}
      """)
  void accepts(String description, String override) throws Exception {
    Path values = Files.writeString(dir.resolve("values.yaml"), override + "\n");

    assertThat(RenderedChart.withValuesFile(values).ofKind("Deployment")).as(description).hasSize(2);
  }
}

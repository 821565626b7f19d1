package dev.seedbox.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.seedbox.devsupport.EmbeddedKubernetes;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The dev stack's own parts, which work whatever the reconcilers do: the embedded API with discovery (real kubectl
 * through the written kubeconfig), PostgreSQL migrated with both roles, the billing-controller configured with the
 * generated token and the sandbox gateway's secret, the operator's endpoints, and a clean stop.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DevStackTest {

  private static DevStack stack;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws IOException {
    Path root = DevStack.findRoot(Path.of(""));
    Path workDir = Files.createDirectories(root.resolve("dev-stack/target/devstack-test"));
    stack = DevStack.start(root, workDir);
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  @Test
  @Order(1)
  void kubectlReadsTheAppliedExamplesThroughTheWrittenKubeconfig() throws Exception {
    Path kubectl = Path.of("/usr/bin/kubectl");
    assumeTrue(Files.isExecutable(kubectl), "kubectl is not installed; skipping the kubectl check");

    Result seedboxes = run(kubectl.toString(), "--kubeconfig", stack.kubeconfig().toString(), "get", "seedboxes",
        "-o", "name");
    assertThat(seedboxes.exitCode()).as(seedboxes.output()).isZero();
    assertThat(seedboxes.output().lines().toList())
        .containsExactlyInAnyOrder("seedbox.seedbox.dev/acme-films", "seedbox.seedbox.dev/acme-archive",
            "seedbox.seedbox.dev/acme-homelab-box");

    Result all = run(kubectl.toString(), "--kubeconfig", stack.kubeconfig().toString(), "get", "sb,ba,byos",
        "-o", "name");
    assertThat(all.exitCode()).as(all.output()).isZero();
    assertThat(all.output()).contains("billingaccount.seedbox.dev/acme-media")
        .contains("byosconnection.seedbox.dev/acme-homelab");
  }

  @Test
  @Order(1)
  void appliesOnlyTheLocalExamplesIntoTheDefaultNamespace() {
    assertThat(stack.applied()).extracting(r -> r.getKind() + "/" + r.getMetadata().getName())
        .containsExactlyInAnyOrder("BillingAccount/acme-media", "Seedbox/acme-films", "Seedbox/acme-archive",
            "ByosConnection/acme-homelab", "Seedbox/acme-homelab-box");
    assertThat(stack.applied()).allSatisfy(r -> assertThat(r.getMetadata().getNamespace()).isEqualTo("default"));
  }

  @Test
  @Order(1)
  void postgresIsMigratedByTheOwnerAndTheServicesConnectAsTheRuntimeRole() throws SQLException {
    assertThat(stack.database().migrationsApplied()).isPositive();
    try (Connection c = stack.operatorDataSource().getConnection(); Statement s = c.createStatement()) {
      assertThat(single(s, "SELECT current_user")).isEqualTo(EmbeddedDatabase.OPERATOR_ROLE);
    }
    try (Connection c = stack.billingDataSource().getConnection(); Statement s = c.createStatement()) {
      assertThat(single(s, "SELECT current_user")).isEqualTo(EmbeddedDatabase.BILLING_ROLE);
      assertThat(single(s, "SELECT tableowner FROM pg_tables WHERE tablename = 'seedbox_ledger_entries'"))
          .isEqualTo(EmbeddedDatabase.OWNER_ROLE);
      // the runtime role may read the ledger but never rewrite it
      assertThat(single(s, "SELECT count(*) FROM seedbox_ledger_entries")).isEqualTo("0");
      assertThatThrownBy(() -> s.execute("TRUNCATE seedbox_ledger_entries")).isInstanceOf(SQLException.class)
          .hasMessageContaining("permission denied");
    }
  }

  @Test
  @Order(1)
  void billingControllerIsHealthyAndItsApiRequiresTheGeneratedToken() throws Exception {
    assertThat(get(stack.billingUrl("/healthz")).statusCode()).isEqualTo(200);
    assertThat(get(stack.billingUrl("/readyz")).statusCode()).isEqualTo(200);

    URI topUps = stack.billingUrl("/v1/accounts/default/" + DevStack.ACCOUNT + "/topups");
    String body = "{\"amountUsd\":\"120.00\",\"blockchain\":\"BTC\"}";
    assertThat(post(topUps, body, "not-the-token").statusCode()).isEqualTo(401);
    // with the token, the request gets past authentication to validation, which names the field
    HttpResponse<String> invalid = post(topUps, "{\"amountUsd\":\"12.345\",\"blockchain\":\"BTC\"}",
        stack.apiToken());
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(invalid.body()).contains("\"field\":\"amountUsd\"");
    assertThat(stack.gateway().createCalls()).isZero();
  }

  @Test
  @Order(1)
  void billingControllerVerifiesWebhooksWithTheSandboxGatewaysSecret() {
    URI webhook = stack.billingUrl("/webhooks/coinpayportal");
    HttpResponse<String> forged = stack.gateway().webhook("payment.confirmed", "pay_forged")
        .secret("whsec_not_the_sandbox_secret").sendTo(webhook);
    assertThat(forged.statusCode()).isEqualTo(401);

    // signed by the sandbox gateway: verified, and kept as unmatched (200, so the gateway stops resending)
    HttpResponse<String> signed = stack.gateway().webhook("payment.confirmed", "pay_unknown").sendTo(webhook);
    assertThat(signed.statusCode()).as(signed.body()).isEqualTo(200);
  }

  @Test
  @Order(1)
  void operatorServesHealthReadinessAndMetrics() throws Exception {
    assertThat(get(stack.operatorUrl("/healthz")).statusCode()).isEqualTo(200);
    HttpResponse<String> ready = get(stack.operatorUrl("/readyz"));
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    assertThat(get(stack.operatorUrl("/metrics")).body()).contains("seedbox_reconcile_seconds");
  }

  @Test
  @Order(1)
  void theProgressTableShowsEveryAppliedResource() {
    Snapshot snapshot = Snapshot.read(stack.kubernetes().client(), EmbeddedKubernetes.NAMESPACE);
    assertThat(snapshot.rows()).extracting(Snapshot.Row::resource)
        .containsExactly("ba/acme-media", "sb/acme-archive", "sb/acme-films", "sb/acme-homelab-box",
            "byos/acme-homelab");
  }

  @Test
  @Order(2)
  void closeStopsTheServicesTheApiAndPostgres() {
    URI billing = stack.billingUrl("/healthz");
    URI operator = stack.operatorUrl("/healthz");
    String api = stack.kubernetes().url();
    String jdbc = stack.database().jdbcUrl();

    stack.close();

    assertThatThrownBy(() -> get(billing)).isInstanceOf(ConnectException.class);
    assertThatThrownBy(() -> get(operator)).isInstanceOf(ConnectException.class);
    assertThatThrownBy(() -> get(URI.create(api + "/version"))).isInstanceOf(ConnectException.class);
    assertThatThrownBy(() -> DriverManager.getConnection(jdbc, "postgres", "")).isInstanceOf(SQLException.class);
    // a second close (the shutdown hook after a test, say) is harmless
    stack.close();
  }

  private static String single(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(URI uri, String body, String token) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  record Result(int exitCode, String output) {
  }

  static Result run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }
}

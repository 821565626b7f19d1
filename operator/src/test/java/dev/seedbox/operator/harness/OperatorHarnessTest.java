package dev.seedbox.operator.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.seedbox.api.status.Condition;
import dev.seedbox.api.status.ConditionStatus;
import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.api.v1alpha1.SeedboxSpec;
import dev.seedbox.operator.reconcile.PauseGate;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The operator runs in-process against the mock API: leader election, reconcilers, status, events, endpoints. */
class OperatorHarnessTest {

  @RegisterExtension
  static final OperatorFixture harness = new OperatorFixture();

  private static final String NS = "customer-a";

  @Test
  void takesTheLeaseOnTheMockServerAndBecomesReady() throws Exception {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      Lease lease = harness.client().leases().inNamespace(OperatorFixture.LEASE_NAMESPACE)
          .withName("seedbox-operator").get();
      assertThat(lease).isNotNull();
      assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();
      assertThat(harness.wiring().leading()).isTrue();
    });
    assertThat(harness.dispatcher().rulesReviews()).isGreaterThanOrEqualTo(1);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      HttpResponse<String> ready = get("/readyz");
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    });
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void pausedSeedboxGetsPausedConditionAndNothingElseThenUnpausingClearsIt() {
    Seedbox created = harness.create(seedbox("paused-box", true));

    Seedbox paused = await().atMost(Duration.ofSeconds(30)).until(
        () -> fetch("paused-box"), sb -> sb.getStatus() != null && sb.getStatus().conditionIsTrue("Paused"));
    Condition condition = paused.getStatus().findCondition(PauseGate.CONDITION).orElseThrow();
    assertThat(condition.getStatus()).isEqualTo(ConditionStatus.TRUE);
    assertThat(condition.getReason()).isEqualTo("ReconciliationPaused");
    assertThat(condition.getObservedGeneration()).isEqualTo(created.getMetadata().getGeneration());
    assertThat(paused.getStatus().getObservedGeneration()).isEqualTo(created.getMetadata().getGeneration());
    assertThat(paused.getStatus().getPhase()).as("nothing but the pause is recorded").isNull();
    assertThat(paused.getStatus().getProviderRef()).isNull();
    assertThat(paused.getStatus().getConditions()).extracting(Condition::getType).containsExactly("Paused");

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(eventsFor("paused-box"))
        .anySatisfy(e -> {
          assertThat(e.getReason()).isEqualTo("ReconciliationPaused");
          assertThat(e.getType()).isEqualTo("Normal");
          assertThat(e.getInvolvedObject().getKind()).isEqualTo("Seedbox");
          assertThat(e.getInvolvedObject().getUid()).isEqualTo(created.getMetadata().getUid());
        }));

    harness.client().resources(Seedbox.class).inNamespace(NS).withName("paused-box")
        .edit(sb -> {
          sb.getSpec().setPaused(false);
          return sb;
        });

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      Seedbox resumed = fetch("paused-box");
      assertThat(resumed.getStatus().findCondition(PauseGate.CONDITION)).isEmpty();
    });
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(eventsFor("paused-box"))
        .extracting(Event::getReason).contains("ReconciliationResumed"));
  }

  @Test
  void metricsEndpointServesOperatorAndSeedboxMeters() throws Exception {
    harness.create(seedbox("metered-box", true));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      HttpResponse<String> metrics = get("/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("seedbox_reconcile_seconds_count{kind=\"Seedbox\"}");
      assertThat(metrics.body()).contains("operator_sdk");
    });
  }

  private static Seedbox fetch(String name) {
    return harness.client().resources(Seedbox.class).inNamespace(NS).withName(name).get();
  }

  private static List<Event> eventsFor(String name) {
    return harness.client().v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  static Seedbox seedbox(String name, boolean paused) {
    Seedbox sb = new Seedbox();
    sb.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    SeedboxSpec spec = new SeedboxSpec();
    spec.setAccountRef("acme");
    spec.setPlan("starter");
    spec.setProvider(ProviderKind.INMEMORY);
    spec.setRegion("local");
    spec.setPaused(paused);
    sb.setSpec(spec);
    return sb;
  }

  private static HttpResponse<String> get(String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(
        URI.create("http://localhost:" + harness.wiring().httpPort() + path)).GET().build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }
}

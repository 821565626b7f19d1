package dev.seedbox.operator.seedbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.status.Condition;
import dev.seedbox.api.v1alpha1.ByosConnection;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.api.v1alpha1.SeedboxStatus;
import dev.seedbox.operator.harness.OperatorFixture;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Objects stored behind the schema's back (the mock validates nothing, as a cluster does not for objects stored
 * before a schema change): each gets its condition and one Event, and never stops the operator or the other
 * objects.
 */
class UndecodableResourcesTest extends SeedboxScenario {

  @RegisterExtension
  static final OperatorFixture harness = operatorOn(Clock.systemUTC());

  UndecodableResourcesTest() {
    super(harness, Clock.systemUTC());
  }

  @Test
  void anUnknownClientIsReportedOnceAndEveryOtherSeedboxKeepsReconciling() {
    String ns = namespace();
    account(ns, "acme", STARTER, 7);
    double invalidBefore = invalidCount("Seedbox");
    store(ns, "Seedbox", "old-box", Map.of("accountRef", "acme", "plan", "starter", "provider", "inmemory",
        "region", "local", "client", "utorrent"));
    create(seedbox(ns, "box", "acme", "local"));

    Seedbox rejected = awaitSeedbox(ns, "old-box", sb -> hasCondition(sb, SeedboxStatus.READY, "InvalidSpec"));
    assertThat(condition(rejected, SeedboxStatus.READY).getMessage()).startsWith(
        "spec.client must be one of qbittorrent, transmission, deluge, rtorrent, found \"utorrent\"");
    awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(20));
    assertThat(harness.wiring().ready()).as("the operator still runs").isTrue();
    assertThat(storedSpec(ns, "Seedbox", "old-box")).as("the stored spec is left as it was")
        .containsEntry("client", "utorrent").containsEntry("plan", "starter");
    assertThat(eventReasons(ns, "old-box")).containsOnlyOnce("InvalidSpec");
    assertThat(invalidCount("Seedbox") - invalidBefore).isEqualTo(1);

    // a top-up wakes every seedbox of the account, the undecodable one too (its stored accountRef is indexed):
    // another pass over it says nothing new
    String accountUid = harness.client().resources(dev.seedbox.api.v1alpha1.BillingAccount.class).inNamespace(ns)
        .withName("acme").get().getMetadata().getUid();
    create(seedbox(ns, "second", "acme", "local"));
    awaitSeedbox(ns, "second", sb -> hasCondition(sb, SeedboxStatus.PAID, "AwaitingPayment"));
    ledger().ledger().creditTopUp(accountUid, "pay-" + ns, STARTER, "test");
    awaitPhase(ns, "second", Phase.ACTIVE, Duration.ofSeconds(20));
    assertThat(eventReasons(ns, "old-box")).containsOnlyOnce("InvalidSpec");
    assertThat(invalidCount("Seedbox") - invalidBefore).isEqualTo(1);
    assertThat(condition(fetch(ns, "old-box"), SeedboxStatus.READY).getLastTransitionTime())
        .isEqualTo(condition(rejected, SeedboxStatus.READY).getLastTransitionTime());

    // fixing the spec is all it takes: the seedbox is reconciled like any other
    patchSpec(ns, "Seedbox", "old-box", "{\"spec\":{\"client\":\"qbittorrent\"}}");
    Seedbox fixed = awaitSeedbox(ns, "old-box", sb -> hasCondition(sb, SeedboxStatus.PAID, "AwaitingPayment"));
    assertThat(fixed.undecodable()).isEmpty();
    assertThat(fixed.getStatus().findCondition(SeedboxStatus.READY).map(Condition::getReason))
        .isNotEqualTo(java.util.Optional.of("InvalidSpec"));
    assertThat(harness.wiring().ready()).isTrue();
  }

  @Test
  void aWrongTypeNamesTheFieldAndAnotherWrongValueIsReportedAgain() {
    String ns = namespace();
    double invalidBefore = invalidCount("ByosConnection");
    store(ns, "ByosConnection", "homelab", Map.of("host", "homelab.example", "user", "seedbox",
        "port", Map.of("number", 22)));

    ByosConnection rejected = awaitConnection(ns, "homelab", Duration.ofSeconds(15),
        c -> c.getStatus().findCondition("Ready").map(r -> "InvalidSpec".equals(r.getReason())).orElse(false));
    assertThat(rejected.getStatus().findCondition("Ready").orElseThrow().getMessage())
        .startsWith("spec.port must be an integer, found {\"number\":22}");

    patchSpec(ns, "ByosConnection", "homelab", "{\"spec\":{\"port\":\"twenty-two\"}}");
    awaitConnection(ns, "homelab", Duration.ofSeconds(15), c -> c.getStatus().findCondition("Ready")
        .map(r -> r.getMessage().startsWith("spec.port must be an integer, found \"twenty-two\"")).orElse(false));
    waiting(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(eventReasons(ns, "homelab"))
        .containsExactly("InvalidSpec", "InvalidSpec"));
    assertThat(invalidCount("ByosConnection") - invalidBefore).isEqualTo(2);
  }

  @Test
  void anUnreadableStatusIsReportedByEventAndLeftAsStored() {
    String ns = namespace();
    account(ns, "acme", 0, 7);
    GenericKubernetesResource stored = store(ns, "Seedbox", "odd-status", Map.of("accountRef", "acme",
        "plan", "starter", "provider", "inmemory", "region", "local"));
    // the operator's own first status would overwrite one written before it
    waiting(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(storedStatus(ns, "odd-status"))
        .containsEntry("phase", "Pending"));
    harness.client().genericKubernetesResources("seedbox.dev/v1alpha1", "Seedbox").inNamespace(ns)
        .withName(stored.getMetadata().getName()).subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"phase\":\"Exploded\"}}");
    // a status change alone wakes no reconciler; a new generation does, and it reads the stored status
    patchSpec(ns, "Seedbox", "odd-status", "{\"spec\":{\"suspend\":false}}");

    waiting(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(eventReasons(ns, "odd-status"))
        .contains("UnreadableStatus"));
    assertThat(storedStatus(ns, "odd-status")).containsEntry("phase", "Exploded");
    assertThat(eventReasons(ns, "odd-status")).containsOnlyOnce("UnreadableStatus");
  }

  private GenericKubernetesResource store(String ns, String kind, String name, Map<String, Object> spec) {
    GenericKubernetesResource resource = new GenericKubernetesResource();
    resource.setApiVersion("seedbox.dev/v1alpha1");
    resource.setKind(kind);
    resource.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withNamespace(ns).withName(name)
        .build());
    resource.setAdditionalProperty("spec", spec);
    return harness.client().genericKubernetesResources("seedbox.dev/v1alpha1", kind).inNamespace(ns)
        .resource(resource).create();
  }

  private void patchSpec(String ns, String kind, String name, String mergePatch) {
    harness.client().genericKubernetesResources("seedbox.dev/v1alpha1", kind).inNamespace(ns).withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> storedSpec(String ns, String kind, String name) {
    return (Map<String, Object>) harness.client().genericKubernetesResources("seedbox.dev/v1alpha1", kind)
        .inNamespace(ns).withName(name).get().getAdditionalProperties().get("spec");
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> storedStatus(String ns, String name) {
    return (Map<String, Object>) harness.client().genericKubernetesResources("seedbox.dev/v1alpha1", "Seedbox")
        .inNamespace(ns).withName(name).get().getAdditionalProperties().get("status");
  }

  private double invalidCount(String kind) {
    return harness.wiring().registry().find("seedbox.invalid.resources").tag("kind", kind).counters().stream()
        .mapToDouble(c -> c.count()).sum();
  }
}

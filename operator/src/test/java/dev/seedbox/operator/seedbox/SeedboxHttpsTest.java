package dev.seedbox.operator.seedbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.operator.harness.OperatorFixture;
import dev.seedbox.operator.https.DnsEndpoints;
import dev.seedbox.operator.https.ExternalDnsCrd;
import dev.seedbox.operator.https.HostnameTemplate;
import dev.seedbox.operator.https.HttpsSettings;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Seedbox controller with HTTPS on, as it runs with a cloud provider: the status names the hostname's https URL
 * and the DNSEndpoint follows the server, on the mock API in CRUD mode with external-dns's CRD registered.
 */
class SeedboxHttpsTest extends SeedboxScenario {

  private static final String BASE_DOMAIN = "boxes.seedbox.test";

  @RegisterExtension
  static final OperatorFixture harness = operatorOn(Clock.systemUTC()).withHttps(new HttpsSettings(true, BASE_DOMAIN,
      HostnameTemplate.parse(HostnameTemplate.DEFAULT), URI.create(HttpsSettings.LETS_ENCRYPT), Optional.empty(),
      HttpsSettings.DEFAULT_EXPIRY_THRESHOLD));

  SeedboxHttpsTest() {
    super(harness, Clock.systemUTC());
  }

  @BeforeAll
  static void externalDnsIsInstalled() {
    ExternalDnsCrd.register(harness.client());
  }

  @Test
  void anActiveSeedboxsHostnameRecordPointsAtTheServerAndGoesWithIt() {
    String ns = namespace();
    String accountUid = account(ns, "acme", 0, 7);
    Seedbox created = create(seedbox(ns, "box", "acme", "local"));
    ledger().ledger().creditTopUp(accountUid, "pay-" + ns, STARTER, "test");

    Seedbox active = awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(15));
    String hostname = "box-" + ns + "." + BASE_DOMAIN;
    assertThat(active.getStatus().getEndpoint().getWebUiUrl())
        .as("no https:// URL is advertised before the server terminates TLS")
        .startsWith("http://" + active.getStatus().getEndpoint().getAddress() + ":");
    GenericKubernetesResource record = record(ns);
    assertThat(record).isNotNull();
    assertThat(record.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(owner -> assertThat(owner.getUid()).isEqualTo(created.getMetadata().getUid()));
    assertThat(record.getAdditionalProperties().get("spec")).isEqualTo(Map.of("endpoints", List.of(Map.of(
        "dnsName", hostname, "recordType", "A", "recordTTL", 300,
        "targets", List.of(active.getStatus().getEndpoint().getAddress())))));
    awaitEvent(ns, "box", "DnsRecordPublished");

    delete(ns, "box");
    awaitGone(ns, "box");
    assertThat(record(ns)).as("the released server's address is no longer published").isNull();
  }

  private GenericKubernetesResource record(String ns) {
    return harness.client().genericKubernetesResources(DnsEndpoints.CONTEXT).inNamespace(ns).withName("box-webui")
        .get();
  }
}

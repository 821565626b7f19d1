package dev.seedbox.operator.seedbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.status.ConditionStatus;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.api.v1alpha1.SeedboxStatus;
import dev.seedbox.hostchannel.https.CertificateProbe;
import dev.seedbox.hostchannel.https.CertificateState;
import dev.seedbox.hostchannel.inmemory.InMemoryHost;
import dev.seedbox.hostchannel.inmemory.InMemoryHost.Fault;
import dev.seedbox.hostchannel.webui.LoginCheck;
import dev.seedbox.operator.harness.OperatorFixture;
import dev.seedbox.operator.host.HostPreparation;
import dev.seedbox.operator.https.DnsEndpoints;
import dev.seedbox.operator.https.ExternalDnsCrd;
import dev.seedbox.operator.https.HttpsSettings;
import dev.seedbox.provisioning.ServerRef;
import dev.seedbox.provisioning.client.QbittorrentProfile;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Seedbox controller with HTTPS on, as it runs with a cloud provider: the client answers on loopback only, Caddy
 * serves it at the hostname's https URL with a certificate, the DNSEndpoint follows the server, and the probe
 * reports a certificate that is about to lapse; on the mock API in CRUD mode with external-dns's CRD registered and
 * the in-memory host, whose sites get a certificate the moment they are configured.
 */
class SeedboxHttpsTest extends SeedboxScenario {

  private static final String BASE_DOMAIN = "boxes.seedbox.test";

  @RegisterExtension
  static final OperatorFixture harness = new OperatorFixture(Clock.systemUTC(), OperatorFixture.testProviderOptions(),
      OperatorFixture.TEST_TIMING.withHostChecks(Duration.ofMillis(300), Duration.ofMinutes(15)))
      .withHttps(HttpsSettings.under(BASE_DOMAIN)).withCustomerServers();

  SeedboxHttpsTest() {
    super(harness, Clock.systemUTC());
  }

  @BeforeAll
  static void externalDnsIsInstalled() {
    ExternalDnsCrd.register(harness.client());
  }

  @AfterEach
  void clearFaults() {
    harness.customerHost().clear(harness.ssh().host());
  }

  @Test
  void aCloudSeedboxIsServedOnlyOverHttpsAtItsHostnameAndItsRecordGoesWithIt() {
    String ns = namespace();
    String accountUid = account(ns, "acme", 0, 7);
    Seedbox created = create(seedbox(ns, "box", "acme", "local"));
    ledger().ledger().creditTopUp(accountUid, "pay-" + ns, STARTER, "test");

    Seedbox active = awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(15));
    String hostname = "box-" + ns + "." + BASE_DOMAIN;
    String address = active.getStatus().getEndpoint().getAddress();
    assertThat(active.getStatus().getEndpoint().getWebUiUrl()).isEqualTo("https://" + hostname + "/");
    assertThat(login(active, currentPassword(ns, "box"))).isInstanceOf(LoginCheck.Accepted.class);
    assertThat(login(active, "not-the-password-at-all")).isInstanceOf(LoginCheck.Rejected.class);
    assertThat(harness.host().login(URI.create("http://" + address + ":" + QbittorrentProfile.DEFAULT_WEB_UI_PORT),
        WebUiSecret.WEB_UI_USER, currentPassword(ns, "box")))
        .as("the client's own port answers only Caddy, on the server's loopback")
        .isInstanceOf(LoginCheck.Unreachable.class);
    GenericKubernetesResource record = record(ns, "box");
    assertThat(record).isNotNull();
    assertThat(record.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(owner -> assertThat(owner.getUid()).isEqualTo(created.getMetadata().getUid()));
    Map<String, Object> published = Map.of("endpoints", List.of(
        Map.of("dnsName", hostname, "recordType", "A", "recordTTL", 300, "targets", List.of(address)),
        Map.of("dnsName", hostname, "recordType", "AAAA", "recordTTL", 300,
            "targets", List.of(DnsEndpoints.canonicalV6(ipv6(active))))));
    assertThat(record.getAdditionalProperties().get("spec")).isEqualTo(published);
    awaitEvent(ns, "box", "DnsRecordPublished");

    harness.client().genericKubernetesResources(DnsEndpoints.CONTEXT).inNamespace(ns).withName("box-webui")
        .edit(drifted -> {
          drifted.setAdditionalProperty("spec", Map.of("endpoints", List.of(Map.of("dnsName", hostname,
              "recordType", "A", "recordTTL", 300, "targets", List.of("192.0.2.99")))));
          return drifted;
        });
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(record(ns, "box")
        .getAdditionalProperties().get("spec")).as("the record follows the server, whoever changed it")
        .isEqualTo(published));
    Seedbox probed = awaitSeedbox(ns, "box", sb -> sb.getStatus().findCondition(SeedboxStatus.CERTIFICATE_VALID)
        .isPresent());
    assertThat(condition(probed, SeedboxStatus.CERTIFICATE_VALID).getStatus()).isEqualTo(ConditionStatus.TRUE);

    delete(ns, "box");
    awaitGone(ns, "box");
    assertThat(record(ns, "box")).as("the released server's address is no longer published").isNull();
  }

  @Test
  void aCertificateAboutToLapseIsReportedOnceWhileTheCustomerCanStillLogIn() {
    String ns = namespace();
    account(ns, "acme", STARTER, 7);
    create(seedbox(ns, "box", "acme", "local"));
    awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(15));
    String hostname = "box-" + ns + "." + BASE_DOMAIN;

    harness.host().certificateExpiresAt(hostname, Instant.now().plus(Duration.ofDays(3)));
    Seedbox expiring = awaitSeedbox(ns, "box", sb -> hasCondition(sb, SeedboxStatus.CERTIFICATE_VALID,
        CertificateProbe.CERTIFICATE_EXPIRING));
    assertThat(condition(expiring, SeedboxStatus.CERTIFICATE_VALID).getStatus()).isEqualTo(ConditionStatus.FALSE);
    assertThat(condition(expiring, SeedboxStatus.CERTIFICATE_VALID).getMessage()).contains(hostname,
        "14-day threshold");
    assertThat(ready(expiring)).as("the certificate still works").isTrue();
    // a few more probes find the same: one Event, not one per probe
    assertStays(ns, "box", sb -> hasCondition(sb, SeedboxStatus.CERTIFICATE_VALID,
        CertificateProbe.CERTIFICATE_EXPIRING), Duration.ofSeconds(1));
    assertThat(eventReasons(ns, "box")).containsOnlyOnce(CertificateProbe.CERTIFICATE_EXPIRING);

    harness.host().certificateExpiresAt(hostname, Instant.now().plus(Duration.ofDays(89)));
    awaitSeedbox(ns, "box", sb -> hasCondition(sb, SeedboxStatus.CERTIFICATE_VALID,
        CertificateProbe.CERTIFICATE_VALID));

    harness.host().certificateExpiresAt(hostname, Instant.now().minusSeconds(60));
    Seedbox lapsed = awaitSeedbox(ns, "box", sb -> !ready(sb));
    assertThat(condition(lapsed, SeedboxStatus.READY).getMessage()).contains("expired");
  }

  @Test
  void onTheCustomersServerUnderTheBaseDomainTheRecordPointsAtItAndTheSiteGoesWithTheSeedbox() {
    String ns = namespace();
    account(ns, "acme", 1000, 7);
    connect(ns, "home");
    host().inject(server(), Fault.NO_CERTIFICATE);
    create(ownServerSeedbox(ns, "box", "home"));
    String hostname = "box-" + ns + "." + BASE_DOMAIN;

    Seedbox waiting = awaitSeedbox(ns, "box", sb -> hasCondition(sb, SeedboxStatus.READY,
        HostPreparation.CERTIFICATE_PENDING));
    assertThat(condition(waiting, SeedboxStatus.READY).getMessage()).contains(hostname, "resolve to the server");
    assertThat(record(ns, "box")).as("the record is there before Caddy asks for the certificate").isNotNull();

    host().clear(server());
    Seedbox active = awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(15));
    assertThat(active.getStatus().getEndpoint().getWebUiUrl()).isEqualTo("https://" + hostname + "/");
    assertThat(login(active, currentPassword(ns, "box"))).isInstanceOf(LoginCheck.Accepted.class);
    assertThat(active.getStatus().getEndpoint().getDnsRecord()).isNull();
    assertThat(record(ns, "box").getAdditionalProperties().get("spec")).isEqualTo(Map.of("endpoints", List.of(
        Map.of("dnsName", hostname, "recordType", "A", "recordTTL", 300, "targets", List.of(server())))));

    delete(ns, "box");
    awaitGone(ns, "box");
    assertThat(host().check(server(), 443, hostname)).as("the site left the customer's Caddy")
        .isInstanceOf(CertificateState.Unreachable.class);
  }

  @Test
  void onTheCustomersServerUnderTheirOwnHostnameTheStatusShowsTheRecordToCreate() {
    String ns = namespace();
    account(ns, "acme", 1000, 7);
    connect(ns, "home");
    host().inject(server(), Fault.NO_CERTIFICATE);
    Seedbox order = ownServerSeedbox(ns, "box", "home");
    String hostname = "media." + ns + ".acme-home.example";
    order.getSpec().setWebUiHostname(hostname);
    create(order);
    String expectedRecord = hostname + ". 300 IN A " + server();

    Seedbox waiting = awaitSeedbox(ns, "box", sb -> hasCondition(sb, SeedboxStatus.READY,
        HostPreparation.CERTIFICATE_PENDING));
    assertThat(waiting.getStatus().getEndpoint().getDnsRecord()).isEqualTo(expectedRecord);
    assertThat(condition(waiting, SeedboxStatus.READY).getMessage()).contains(expectedRecord);

    host().clear(server());
    Seedbox active = awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(15));
    assertThat(active.getStatus().getEndpoint().getWebUiUrl()).isEqualTo("https://" + hostname + "/");
    assertThat(active.getStatus().getEndpoint().getDnsRecord()).isEqualTo(expectedRecord);
    assertThat(login(active, currentPassword(ns, "box"))).isInstanceOf(LoginCheck.Accepted.class);
    assertThat(record(ns, "box")).as("the customer's own domain is theirs to publish").isNull();
  }

  @Test
  void aCustomersServerWhosePort443IsTakenIsRefusedBeforeAnythingIsCharged() {
    String ns = namespace();
    String account = account(ns, "acme", 1000, 7);
    connect(ns, "home");
    host().occupyPort(server(), 443);
    try {
      create(ownServerSeedbox(ns, "box", "home"));

      Seedbox refused = awaitSeedbox(ns, "box", sb -> hasCondition(sb, SeedboxStatus.READY, "ByosHttpsPortInUse"));
      assertThat(refused.getStatus().getPhase()).isEqualTo(Phase.PENDING);
      assertThat(condition(refused, SeedboxStatus.READY).getMessage()).contains("443", "Caddy");
      assertThat(balance(account)).isEqualTo(1000);
    } finally {
      host().freePort(server(), 443);
    }
    awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(15));
  }

  @Override
  LoginCheck login(Seedbox sb, String password) {
    // the cloud servers and the customer's server are separate in-memory hosts
    InMemoryHost on = sb.getSpec().getByosConnectionRef() == null ? harness.host() : host();
    return on.login(URI.create(sb.getStatus().getEndpoint().getWebUiUrl()), WebUiSecret.WEB_UI_USER, password);
  }

  private InMemoryHost host() {
    return harness.customerHost();
  }

  /** The IPv6 address the provider reports for the Seedbox's server. */
  private static String ipv6(Seedbox seedbox) {
    return harness.provider().status(ServerRef.parse(seedbox.getStatus().getProviderRef())).orElseThrow()
        .ipv6Address().orElseThrow();
  }

  private String server() {
    return harness.ssh().host();
  }

  private GenericKubernetesResource record(String ns, String name) {
    return harness.client().genericKubernetesResources(DnsEndpoints.CONTEXT).inNamespace(ns)
        .withName(name + "-webui").get();
  }
}

package dev.seedbox.operator.seedbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.v1alpha1.ByosConnection;
import dev.seedbox.api.v1alpha1.ByosConnectionSpec;
import dev.seedbox.api.v1alpha1.ByosPhase;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.api.v1alpha1.SeedboxStatus;
import dev.seedbox.hostchannel.https.CertificateProbe;
import dev.seedbox.hostchannel.https.TrustRoots;
import dev.seedbox.hostchannel.https.WebUiRoutes;
import dev.seedbox.hostchannel.realhost.AcmeServer;
import dev.seedbox.hostchannel.realhost.NetnsHost;
import dev.seedbox.hostchannel.webui.LoginCheck;
import dev.seedbox.hostchannel.webui.QbittorrentWebUi;
import dev.seedbox.keys.key.Ed25519Keys;
import dev.seedbox.ledger.testing.MutableClock;
import dev.seedbox.operator.harness.OperatorFixture;
import dev.seedbox.operator.host.ManagedServers;
import dev.seedbox.operator.https.DnsEndpoints;
import dev.seedbox.operator.https.ExternalDnsCrd;
import dev.seedbox.operator.https.HttpsSettings;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HTTPS end to end through the operator, in the real-host lane: a seedbox on a customer's server (Debian's OpenSSH
 * in a network namespace) gets qBittorrent bound to loopback, Caddy in front of it with a real certificate from
 * Debian's pebble, and is Active once the operator logged in over HTTPS; the customer logs in there with pebble's
 * root as the only trust, the client's own port refuses the world, the probe reports pebble's short-lived
 * certificate as about to expire, and terminating takes the site off Caddy. pebble skips validating the challenge
 * ({@code PEBBLE_VA_ALWAYS_VALID}, see {@link AcmeServer}): the rig has no DNS for the hostname.
 */
class SeedboxHttpsLaneTest extends SeedboxScenario {

  static final MutableClock CLOCK = clockFromNow();
  private static final String BASE_DOMAIN = "boxes.seedbox.test";

  private static NetnsHost server;
  private static AcmeServer acme;
  private static String sudoer;
  private static final List<String> SLOTS = new java.util.concurrent.CopyOnWriteArrayList<>();

  @RegisterExtension
  static final OperatorFixture harness = new OperatorFixture(CLOCK, OperatorFixture.testProviderOptions(),
      OperatorFixture.TEST_TIMING.withHostChecks(Duration.ofSeconds(1), Duration.ofMinutes(15)))
      .withRealCustomerServers(NetnsHost.ADDRESSES)
      .withHttps(SeedboxHttpsLaneTest::serverAndAcme);

  SeedboxHttpsLaneTest() {
    super(harness, CLOCK);
  }

  /** Runs as the operator starts: its HTTPS settings name the ACME server, whose roots are new on every start. */
  private static HttpsSettings serverAndAcme() {
    NetnsHost.requireLane("REAL-HOST HTTPS LANE", NetnsHost.unavailable().or(AcmeServer::unavailable));
    server = new NetnsHost().startCustomerServer();
    acme = new AcmeServer(server.rigAddress()).start();
    return HttpsSettings.under(BASE_DOMAIN).withAcme(acme.directory(), acme.tlsCertificate(), acme.issuingRoot());
  }

  @BeforeAll
  static void customerAndExternalDns() {
    sudoer = server.addUser(new Ed25519Keys().generate("customer-own-key"), true);
    ExternalDnsCrd.register(harness.client());
  }

  @AfterAll
  static void stop() throws Exception {
    if (acme != null) {
      acme.close();
    }
    if (server != null) {
      server.close();
      SLOTS.forEach(NetnsHost::removeSlot);
    }
    // Caddy's configuration and storage are the machine's, as the lanes share one filesystem
    new ProcessBuilder("rm", "-rf", "/etc/seedbox/https", "/var/lib/seedbox-https",
        "/etc/systemd/system/seedbox-https.service").inheritIO().start().waitFor();
  }

  @Test
  void aSeedboxOnTheCustomersServerIsServedOnlyOverHttpsWithARealCertificate() throws Exception {
    String ns = namespace();
    account(ns, "acme", 2000, 7);
    connect(ns, "home", sudoer);
    String hostname = "films-" + ns + "." + BASE_DOMAIN;

    Seedbox films = create(ownServerSeedbox(ns, "films", "home"));
    SLOTS.add(ManagedServers.slotName(films.getMetadata().getUid()));
    Seedbox active = waitingLong(ns, "films", sb -> sb.getStatus().getPhase() == Phase.ACTIVE);
    assertThat(active.getStatus().getEndpoint().getWebUiUrl()).isEqualTo("https://" + hostname + "/");
    assertThat(harness.client().genericKubernetesResources(DnsEndpoints.CONTEXT).inNamespace(ns)
        .withName("films-webui").get()).as("the DNSEndpoint for external-dns").isNotNull();

    // the customer's browser: pebble's root as the only trust, and a route standing in for the DNS record
    try (WebUiRoutes dns = WebUiRoutes.start(Duration.ofSeconds(5))) {
      dns.route(hostname, server.address());
      QbittorrentWebUi customer = new QbittorrentWebUi(HttpClient.newBuilder().proxy(dns)
          .sslContext(TrustRoots.fromPem(acme.issuingRoot())).connectTimeout(Duration.ofSeconds(5)).build(),
          Duration.ofSeconds(10));
      URI webUi = URI.create(active.getStatus().getEndpoint().getWebUiUrl());
      assertThat(customer.login(webUi, WebUiSecret.WEB_UI_USER, currentPassword(ns, "films")))
          .isInstanceOf(LoginCheck.Accepted.class);
      assertThat(customer.login(webUi, WebUiSecret.WEB_UI_USER, "not-the-password-at-all"))
          .isInstanceOf(LoginCheck.Rejected.class);
    }
    int clientPort = webUiPort(films.getMetadata().getUid());
    assertThat(connects(clientPort)).as("the client's own port %d from outside", clientPort).isFalse();

    Seedbox expiring = waitingLong(ns, "films", sb -> hasCondition(sb, SeedboxStatus.CERTIFICATE_VALID,
        CertificateProbe.CERTIFICATE_EXPIRING));
    assertThat(condition(expiring, SeedboxStatus.CERTIFICATE_VALID).getMessage()).contains(hostname,
        "14-day threshold");
    assertThat(ready(expiring)).as("the customer can still log in").isTrue();

    delete(ns, "films");
    waiting(Duration.ofSeconds(60)).until(() -> fetch(ns, "films") == null);
    waiting(Duration.ofSeconds(15)).until(() -> !connects(443));
  }

  private ByosConnection connect(String ns, String name, String user) {
    ByosConnectionSpec spec = new ByosConnectionSpec();
    spec.setHost(server.address());
    spec.setPort(22);
    spec.setUser(user);
    ByosConnection resource = new ByosConnection();
    resource.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    resource.setSpec(spec);
    harness.client().resource(resource).create();
    ByosConnection awaiting = awaitConnection(ns, name, Duration.ofSeconds(30),
        c -> c.getStatus().getPublicKey() != null);
    server.authorize(user, awaiting.getStatus().getPublicKey());
    return awaitConnection(ns, name, Duration.ofSeconds(30), c -> c.getStatus().getPhase() == ByosPhase.CONNECTED);
  }

  private Seedbox waitingLong(String ns, String name, java.util.function.Predicate<Seedbox> condition) {
    return waiting(Duration.ofSeconds(120)).until(() -> fetch(ns, name),
        sb -> sb != null && sb.getStatus() != null && condition.test(sb));
  }

  private int webUiPort(String uid) {
    return ledger().jdbi().withHandle(h -> h.createQuery(
        "SELECT port FROM seedbox_host_ports WHERE seedbox_uid = :uid AND purpose = 'webui'").bind("uid", uid)
        .mapTo(Integer.class).one());
  }

  private static boolean connects(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(server.address(), port), 2000);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }
}

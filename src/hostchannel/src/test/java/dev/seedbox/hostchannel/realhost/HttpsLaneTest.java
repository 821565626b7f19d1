package dev.seedbox.hostchannel.realhost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.seedbox.hostchannel.HostReply;
import dev.seedbox.hostchannel.HostTarget;
import dev.seedbox.hostchannel.HostVerb;
import dev.seedbox.hostchannel.ProbeResult;
import dev.seedbox.hostchannel.SshHostChannel;
import dev.seedbox.hostchannel.https.CertificateCheck;
import dev.seedbox.hostchannel.https.TlsCertificateCheck;
import dev.seedbox.hostchannel.https.CertificateProbe;
import dev.seedbox.hostchannel.https.CertificateState;
import dev.seedbox.hostchannel.https.HttpsSite;
import dev.seedbox.hostchannel.https.TrustRoots;
import dev.seedbox.hostchannel.https.WebUiRoutes;
import dev.seedbox.hostchannel.webui.LoginCheck;
import dev.seedbox.hostchannel.webui.QbittorrentWebUi;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * HTTPS in the real-host lane: Debian's caddy on the server obtains a real certificate from Debian's pebble over
 * ACME, the customer logs in to qBittorrent through it with pebble's root as the only trust, and the client's own
 * port is closed to the world even with the client listening on every address.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HttpsLaneTest {

  private static final int WEB_UI_PORT = 18080;
  private static final String USERNAME = "customer";
  private static NetnsHost host;
  private static AcmeServer acme;
  private static SshHostChannel channel;
  private static WebUiRoutes tunnel;
  private static String slot;
  private static String hostname;
  private static String password;
  private static SSLContext issuingRoot;
  private static boolean clientPortOpenBeforeHttps;

  @BeforeAll
  static void startServerAndAcme() throws IOException {
    NetnsHost.requireLane("REAL-HOST HTTPS LANE", NetnsHost.unavailable().or(AcmeServer::unavailable));
    host = new NetnsHost().start();
    acme = new AcmeServer(host.rigAddress).start();
    channel = NetnsHost.channel(new SimpleMeterRegistry());
    byte[] random = new byte[6];
    new SecureRandom().nextBytes(random);
    slot = "sb-" + HexFormat.of().formatHex(random);
    hostname = slot + ".seedbox.test";
    // what DNS would do for the hostname: the rig cannot publish a record, and a hosts file would be the whole JVM's
    tunnel = WebUiRoutes.start(Duration.ofSeconds(5));
    tunnel.route(hostname, host.address);
    password = "Pw-" + HexFormat.of().formatHex(random) + "-customer";

    // the worst case for the firewall: a client listening on every address
    done(HostVerb.INSTALL_CLIENT, Map.of("slot", slot, "client", "qbittorrent", "webUiPort", WEB_UI_PORT,
        "listenPort", 16881, "bindAddress", "0.0.0.0"));
    done(HostVerb.SET_CREDENTIALS, Map.of("slot", slot, "client", "qbittorrent", "username", USERNAME,
        "password", password));
    done(HostVerb.START, slotArgs());
    await().atMost(Duration.ofSeconds(30)).until(() -> connects(WEB_UI_PORT));
    clientPortOpenBeforeHttps = connects(WEB_UI_PORT);

    JsonNode configured = done(HostVerb.CONFIGURE_HTTPS, site().args(slotArgs()));
    assertThat(configured.path("hostname").asText()).isEqualTo(hostname);
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
        .until(() -> done(HostVerb.HTTPS_STATUS, Map.of("slot", slot)).path("certificate").asBoolean());
    issuingRoot = TrustRoots.fromPem(acme.issuingRoot());
  }

  @AfterAll
  static void stop() throws IOException {
    if (host != null && slot != null) {
      try {
        channel.run(target(), host.managementKey, HostVerb.REMOVE_HTTPS, Map.of("slot", slot));
        channel.run(target(), host.managementKey, HostVerb.UNINSTALL,
            Map.of("slot", slot, "client", "qbittorrent", "deleteData", true));
      } finally {
        NetnsHost.exec(List.of("rm", "-rf", "/etc/seedbox/https", "/var/lib/seedbox-https",
            "/etc/systemd/system/seedbox-https.service"));
      }
    }
    if (tunnel != null) {
      tunnel.close();
    }
    if (channel != null) {
      channel.close();
    }
    if (acme != null) {
      acme.close();
    }
    if (host != null) {
      host.close();
    }
  }

  @Test
  @Order(1)
  void theServerPresentsACertificateForTheHostnameIssuedByTheAcmeServer() {
    CertificateState state = new TlsCertificateCheck(issuingRoot, Duration.ofSeconds(5)).check(host.address, 443,
        hostname);

    assertThat(state).as(state.message()).isInstanceOf(CertificateState.Valid.class);
    CertificateState.Valid valid = (CertificateState.Valid) state;
    assertThat(valid.issuer()).containsIgnoringCase("pebble");
    assertThat(valid.notAfter()).isBefore(Instant.now().plus(AcmeServer.VALIDITY).plus(Duration.ofHours(1)));
    // what the server itself reads from Caddy's storage is the same certificate
    JsonNode status = done(HostVerb.HTTPS_STATUS, Map.of("slot", slot));
    assertThat(status.path("configured").asBoolean()).isTrue();
    assertThat(status.path("running").asBoolean()).isTrue();
    assertThat(openSslDate(status.path("notAfter").asText())).isEqualTo(valid.notAfter());
  }

  @Test
  @Order(1)
  void anotherHostnameOrAnotherRootIsRefused() {
    CertificateState otherName = new TlsCertificateCheck(issuingRoot, Duration.ofSeconds(5)).check(host.address, 443,
        "someone-else.seedbox.test");
    CertificateState publicRoots = new TlsCertificateCheck(TrustRoots.system(), Duration.ofSeconds(5))
        .check(host.address, 443, hostname);

    assertThat(otherName).isNotInstanceOf(CertificateState.Valid.class);
    assertThat(publicRoots).isInstanceOf(CertificateState.Invalid.class);
  }

  @Test
  @Order(1)
  void theCustomerLogsInOverHttpsWithTheAcmeServersRoot() throws Exception {
    HttpClient https = HttpClient.newBuilder().sslContext(issuingRoot).proxy(tunnel)
        .connectTimeout(Duration.ofSeconds(5)).build();
    QbittorrentWebUi webUi = new QbittorrentWebUi(https, Duration.ofSeconds(10));
    URI url = site().webUiUrl();

    assertThat(webUi.login(url, USERNAME, password)).isInstanceOf(LoginCheck.Accepted.class);
    assertThat(webUi.login(url, USERNAME, password + "-wrong")).isInstanceOf(LoginCheck.Rejected.class);

    HttpResponse<String> page = https.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(page.headers().firstValue("Strict-Transport-Security")).hasValueSatisfying(
        hsts -> assertThat(hsts).startsWith("max-age="));
  }

  @Test
  @Order(1)
  void theClientsOwnPortIsRefusedFromOutside() {
    assertThat(clientPortOpenBeforeHttps).as("the client's port answered before HTTPS was configured").isTrue();

    assertThat(connects(WEB_UI_PORT)).isFalse();
    // on the server itself the client still answers, for Caddy
    assertThat(host.inNamespace(List.of("python3", "-c", "import socket; socket.create_connection(('127.0.0.1', "
        + WEB_UI_PORT + "), 5); print('open')")).strip()).isEqualTo("open");
  }

  @Test
  @Order(1)
  void plainHttpOnPort80OnlyRedirectsToHttps() throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host.address, 80), 5000);
      socket.setSoTimeout(10000);
      socket.getOutputStream().write(("GET /api/v2/auth/login?username=x HTTP/1.1\r\nHost: " + hostname
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);

      assertThat(answer).startsWith("HTTP/1.1 308");
      assertThat(answer).containsIgnoringCase("Location: https://" + hostname + "/api/v2/auth/login");
    }
  }

  @Test
  @Order(1)
  void theProbeReportsACertificateAboutToExpire() {
    CertificateCheck check = new TlsCertificateCheck(issuingRoot, Duration.ofSeconds(5));

    ProbeResult fortnight = new CertificateProbe(check, CertificateProbe.DEFAULT_THRESHOLD, Clock.systemUTC())
        .probe(host.address, hostname);
    ProbeResult day = new CertificateProbe(check, Duration.ofDays(1), Clock.systemUTC()).probe(host.address, hostname);

    assertThat(fortnight).isInstanceOfSatisfying(ProbeResult.Unhealthy.class,
        u -> assertThat(u.reason()).isEqualTo(CertificateProbe.CERTIFICATE_EXPIRING));
    assertThat(day).isInstanceOf(ProbeResult.Healthy.class);
  }

  @Test
  @Order(2)
  void configuringTheSameSiteAgainChangesNothing() {
    JsonNode again = done(HostVerb.CONFIGURE_HTTPS, site().args(slotArgs()));

    assertThat(again.path("changed").asBoolean()).isFalse();
  }

  @Test
  @Order(3)
  void removingHttpsTakesTheSiteAwayAndStopsCaddyWhenNoSiteIsLeft() {
    JsonNode removed = done(HostVerb.REMOVE_HTTPS, Map.of("slot", slot));
    JsonNode status = done(HostVerb.HTTPS_STATUS, Map.of("slot", slot));

    assertThat(removed.path("removed").asBoolean()).isTrue();
    assertThat(status.path("configured").asBoolean()).isFalse();
    assertThat(done(HostVerb.REMOVE_HTTPS, Map.of("slot", slot)).path("removed").asBoolean()).isFalse();
    await().atMost(Duration.ofSeconds(15)).until(() -> !connects(443));
  }

  private static HttpsSite site() {
    return new HttpsSite(hostname, WEB_UI_PORT, acme.directory(), Optional.of("ops@seedbox.test"),
        Optional.of(acme.tlsCertificate()));
  }

  private static Map<String, Object> slotArgs() {
    return Map.of("slot", slot, "client", "qbittorrent");
  }

  private static HostTarget target() {
    return new HostTarget(host.address, 22, host.adminUser, host.hostKey.publicKey().fingerprint());
  }

  private static JsonNode done(HostVerb verb, Map<String, Object> args) {
    HostReply reply = channel.run(target(), host.managementKey, verb, args);
    assertThat(reply).as("%s: %s", verb, reply.message()).isInstanceOf(HostReply.Done.class);
    return ((HostReply.Done) reply).body();
  }

  private static boolean connects(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host.address, port), 2000);
      return true;
    } catch (ConnectException refused) {
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  private static Instant openSslDate(String text) {
    // openssl's notAfter, e.g. "Dec 12 13:00:00 2026 GMT"
    return ZonedDateTime.parse(text.replaceAll(" +", " "),
        DateTimeFormatter.ofPattern("MMM d HH:mm:ss yyyy zzz", Locale.ROOT)).toInstant();
  }

}

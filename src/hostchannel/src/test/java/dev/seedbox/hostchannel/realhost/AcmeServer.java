package dev.seedbox.hostchannel.realhost;

import dev.seedbox.hostchannel.https.TrustRoots;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Debian's pebble, the ACME test server, run by the rig on its end of the veth pair so that Caddy on the server
 * reaches it. Its own TLS certificate is one the rig makes with openssl (Caddy is told to trust it); the roots it
 * issues certificates under are new on every start and fetched from its management port.
 *
 * <p>PEBBLE_VA_ALWAYS_VALID=1: the rig has no DNS to point the seedbox's hostname at the server, so pebble skips
 * validating the HTTP challenge; everything else (account, order, CSR, issuance, the chain) is ACME as Let's
 * Encrypt speaks it. Certificates are issued valid for {@link #VALIDITY}, short enough for the probe to see one
 * about to expire and long enough that Caddy does not renew it during the test.
 */
public final class AcmeServer implements AutoCloseable {

  public static final Duration VALIDITY = Duration.ofDays(10);
  static final List<String> BINARIES = List.of("/usr/bin/pebble", "/usr/bin/caddy", "/usr/sbin/nft", "/usr/bin/openssl",
      "/usr/bin/setpriv");

  private final String address;
  private final Path dir;
  private Process pebble;
  private String tlsCertificate;

  public static Optional<String> unavailable() {
    List<String> missing = BINARIES.stream().filter(b -> !Files.isExecutable(Path.of(b))).toList();
    return missing.isEmpty() ? Optional.empty()
        : Optional.of("missing " + missing + " (apt-get install pebble caddy nftables openssl util-linux; .ci/run does)");
  }

  public AcmeServer(String address) {
    this.address = address;
    try {
      this.dir = Files.createTempDirectory("seedbox-pebble-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public AcmeServer start() {
    Path key = dir.resolve("key.pem");
    Path cert = dir.resolve("cert.pem");
    NetnsHost.exec(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=rig pebble",
        "-addext", "subjectAltName=IP:" + address));
    Path config = dir.resolve("pebble.json");
    try {
      tlsCertificate = Files.readString(cert);
      Files.writeString(config, """
          {"pebble": {"listenAddress": "%s:14000", "managementListenAddress": "%s:15000",
            "certificate": "%s", "privateKey": "%s", "httpPort": 80, "tlsPort": 443,
            "ocspResponderURL": "", "externalAccountBindingRequired": false,
            "certificateValidityPeriod": %d}}
          """.formatted(address, address, cert, key, VALIDITY.toSeconds()));
      ProcessBuilder builder = new ProcessBuilder("pebble", "-config", config.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("pebble.log").toFile());
      builder.environment().putAll(Map.of("PEBBLE_VA_ALWAYS_VALID", "1", "PEBBLE_VA_NOSLEEP", "1"));
      pebble = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(deadline)) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(address, 14000), 500);
        return this;
      } catch (IOException notYet) {
        if (!pebble.isAlive()) {
          throw new IllegalStateException("pebble exited: " + log());
        }
        sleepBriefly();
      }
    }
    throw new IllegalStateException("pebble did not listen on " + address + ":14000: " + log());
  }

  public URI directory() {
    return URI.create("https://" + address + ":14000/dir");
  }

  /** The certificate pebble's ACME endpoint presents, for Caddy to trust. */
  public String tlsCertificate() {
    return tlsCertificate;
  }

  /** The root pebble issues seedbox certificates under: what a customer's browser would need to trust. */
  public String issuingRoot() {
    HttpClient http = HttpClient.newBuilder().sslContext(TrustRoots.fromPem(tlsCertificate))
        .connectTimeout(Duration.ofSeconds(5)).build();
    try {
      HttpResponse<String> root = http.send(HttpRequest.newBuilder(URI.create("https://" + address + ":15000/roots/0"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      if (root.statusCode() != 200) {
        throw new IllegalStateException("pebble's management port answered HTTP " + root.statusCode());
      }
      return root.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  public String log() {
    try {
      return Files.readString(dir.resolve("pebble.log"));
    } catch (IOException e) {
      return "(no pebble log)";
    }
  }

  @Override
  public void close() {
    if (pebble != null) {
      pebble.destroy();
    }
    NetnsHost.exec(List.of("rm", "-rf", dir.toString()));
  }

  private static void sleepBriefly() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

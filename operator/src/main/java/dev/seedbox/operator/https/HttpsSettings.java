package dev.seedbox.operator.https;

import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.hostchannel.https.HttpsSite;
import dev.seedbox.hostchannel.https.TrustRoots;
import dev.seedbox.runtime.Environment;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * HTTPS for every web UI (docs/architecture.md, "HTTPS"): each Seedbox's hostname under the base domain, the ACME
 * directory and account e-mail Caddy uses on the server, and how long before expiry a certificate is reported.
 * Off only when no base domain is set, which a cloud provider does not allow: its servers' web UIs are on the
 * internet.
 */
public record HttpsSettings(boolean enabled, String baseDomain, HostnameTemplate hostnames, URI acmeDirectory,
    Optional<String> acmeEmail, Optional<String> acmeCaRoot, Optional<String> webUiTrustRoots,
    Duration certificateExpiryThreshold) {

  public static final String BASE_DOMAIN = "SEEDBOX_BASE_DOMAIN";
  public static final String HOSTNAME_TEMPLATE = "SEEDBOX_HOSTNAME_TEMPLATE";
  public static final String ACME_DIRECTORY = "SEEDBOX_ACME_DIRECTORY";
  public static final String ACME_EMAIL = "SEEDBOX_ACME_EMAIL";
  public static final String CERTIFICATE_EXPIRY_THRESHOLD = "SEEDBOX_CERTIFICATE_EXPIRY_THRESHOLD";
  /** PEM roots Caddy trusts for a private ACME directory's own TLS. */
  public static final String ACME_CA_ROOT = "SEEDBOX_ACME_CA_ROOT";
  /** PEM roots the operator trusts, beside the JVM's, for the web UIs' certificates (a private ACME CA). */
  public static final String WEB_UI_TRUST_ROOTS = "SEEDBOX_WEB_UI_TRUST_ROOTS";
  public static final String LETS_ENCRYPT = "https://acme-v02.api.letsencrypt.org/directory";
  public static final Duration DEFAULT_EXPIRY_THRESHOLD = Duration.ofDays(14);

  private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,190}\\.[A-Za-z]{2,63}");

  /** HTTPS off: the in-memory provider's web UIs, in tests and the dev stack, stay on plain HTTP. */
  public static HttpsSettings off() {
    return new HttpsSettings(false, "", HostnameTemplate.parse(HostnameTemplate.DEFAULT), URI.create(LETS_ENCRYPT),
        Optional.empty(), Optional.empty(), Optional.empty(), DEFAULT_EXPIRY_THRESHOLD);
  }

  /** HTTPS on under {@code baseDomain} with the default template and Let's Encrypt. */
  public static HttpsSettings under(String baseDomain) {
    return new HttpsSettings(true, baseDomain, HostnameTemplate.parse(HostnameTemplate.DEFAULT),
        URI.create(LETS_ENCRYPT), Optional.empty(), Optional.empty(), Optional.empty(), DEFAULT_EXPIRY_THRESHOLD);
  }

  /** The same, with a private ACME directory whose TLS and certificates chain to {@code tlsRoot} and {@code issuingRoot}. */
  public HttpsSettings withAcme(URI directory, String tlsRoot, String issuingRoot) {
    return new HttpsSettings(enabled, baseDomain, hostnames, directory, acmeEmail, Optional.of(tlsRoot),
        Optional.of(issuingRoot), certificateExpiryThreshold);
  }

  public static HttpsSettings read(Environment env, List<ProviderKind> providers) {
    Optional<String> baseDomain = env.optional(BASE_DOMAIN);
    List<ProviderKind> clouds = providers.stream().filter(kind -> kind != ProviderKind.INMEMORY).toList();
    if (baseDomain.isEmpty() && !clouds.isEmpty()) {
      env.problem(BASE_DOMAIN + " is required when a cloud provider is enabled (SEEDBOX_PROVIDERS has "
          + clouds.stream().map(ProviderKind::wireName).toList() + "): every web UI is served over HTTPS at a"
          + " hostname under it, e.g. seedbox.example.com");
    }
    baseDomain.filter(domain -> !HostnameTemplate.validDomain(domain)).ifPresent(domain -> env.problem(BASE_DOMAIN
        + " must be a lower-case DNS name with at least two labels, found '" + domain + "'"));
    HostnameTemplate hostnames = HostnameTemplate.parse(HostnameTemplate.DEFAULT);
    try {
      hostnames = HostnameTemplate.parse(env.string(HOSTNAME_TEMPLATE, HostnameTemplate.DEFAULT));
    } catch (IllegalArgumentException e) {
      env.problem(HOSTNAME_TEMPLATE + ": " + e.getMessage());
    }
    URI directory = env.url(ACME_DIRECTORY, LETS_ENCRYPT);
    if (!"https".equals(directory.getScheme())) {
      env.problem(ACME_DIRECTORY + " must be an https URL, found '" + directory + "'");
    }
    Optional<String> email = env.optional(ACME_EMAIL);
    email.filter(e -> !EMAIL.matcher(e).matches())
        .ifPresent(e -> env.problem(ACME_EMAIL + " must be an e-mail address, found '" + e + "'"));
    Duration threshold = env.duration(CERTIFICATE_EXPIRY_THRESHOLD, DEFAULT_EXPIRY_THRESHOLD);
    Optional<String> acmeCaRoot = pem(env, ACME_CA_ROOT);
    Optional<String> trustRoots = pem(env, WEB_UI_TRUST_ROOTS);
    return new HttpsSettings(baseDomain.isPresent(), baseDomain.orElse(""), hostnames, directory, email, acmeCaRoot,
        trustRoots, threshold);
  }

  private static Optional<String> pem(Environment env, String name) {
    Optional<String> pem = env.optional(name);
    pem.ifPresent(text -> {
      try {
        TrustRoots.fromPem(text);
      } catch (IllegalArgumentException e) {
        env.problem(name + " must hold PEM certificates: " + e.getMessage());
      }
    });
    return pem;
  }

  /**
   * What {@code configure-https} sets up for a Seedbox's web UI at {@code hostname} on the server.
   *
   * @param webUiPort the client's port on the server's loopback, where Caddy proxies to
   */
  public HttpsSite site(String hostname, int webUiPort) {
    return new HttpsSite(hostname, webUiPort, acmeDirectory, acmeEmail, acmeCaRoot);
  }

  /** The trust the operator's web UI checks use: the JVM's roots, and the configured private ones. */
  public SSLContext webUiTrust() {
    return webUiTrustRoots.map(TrustRoots::systemAnd).orElseGet(TrustRoots::system);
  }

  /** The Seedbox's hostname; only meaningful when {@link #enabled()}. */
  public String hostname(Seedbox seedbox) {
    return hostnames.hostname(seedbox.getMetadata().getName(), seedbox.getMetadata().getNamespace(), baseDomain);
  }

  /** Where the customer logs in: {@code https://<hostname>/}. */
  public URI webUiUrl(Seedbox seedbox) {
    return URI.create("https://" + hostname(seedbox) + "/");
  }
}

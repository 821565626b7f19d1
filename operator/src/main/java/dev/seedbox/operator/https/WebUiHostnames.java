package dev.seedbox.operator.https;

import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.hostchannel.https.HttpsSite;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a customer reaches a Seedbox's web UI. With HTTPS on, that is {@code https://<hostname>/}: a hostname under
 * the base domain, published as a DNSEndpoint pointing at the server, or, for a seedbox on the customer's own
 * server, a hostname of the customer's own domain, whose record the customer creates (the status shows it). With
 * HTTPS off (the in-memory provider only), it is the client's own port on the server's address.
 */
public final class WebUiHostnames {

  private final HttpsSettings settings;
  private final DnsEndpoints dns;

  public WebUiHostnames(HttpsSettings settings, KubernetesClient client) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.dns = new DnsEndpoints(client);
  }

  public HttpsSettings settings() {
    return settings;
  }

  /** The Seedbox's hostname; only meaningful with HTTPS on. */
  public String hostname(Seedbox seedbox) {
    return customerHostname(seedbox).orElseGet(() -> settings.hostname(seedbox));
  }

  /** The site Caddy serves for the Seedbox; empty with HTTPS off. */
  public Optional<HttpsSite> site(Seedbox seedbox, int webUiPort) {
    return settings.enabled() ? Optional.of(settings.site(hostname(seedbox), webUiPort)) : Optional.empty();
  }

  /** Where the customer logs in: the client's plain URL, or with HTTPS on the same path at the hostname. */
  public String webUiUrl(Seedbox seedbox, String plainUrl) {
    if (!settings.enabled()) {
      return plainUrl;
    }
    String path = URI.create(plainUrl).getRawPath();
    return "https://" + hostname(seedbox) + (path == null || path.isEmpty() ? "/" : path);
  }

  /**
   * Points the Seedbox's hostname at the server's addresses (IPv4, and IPv6 where it has one, or the one name a
   * customer's server is known by); empty when HTTPS is off or the hostname is the customer's own, which only the
   * customer can publish.
   */
  public Optional<DnsEndpoints.Change> publish(Seedbox seedbox, List<String> addresses) {
    if (!settings.enabled() || customerHostname(seedbox).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(dns.ensure(seedbox, settings.hostname(seedbox), addresses));
  }

  /**
   * The record the customer must create for a hostname of their own, in zone-file form; empty when the operator
   * publishes the hostname itself.
   */
  public Optional<String> recordForCustomer(Seedbox seedbox, String address) {
    return settings.enabled() ? customerHostname(seedbox).map(hostname -> hostname + ". "
        + DnsEndpoints.TTL_SECONDS + " IN " + DnsEndpoints.recordType(address) + " " + address
        + (DnsEndpoints.recordType(address).equals("CNAME") ? "." : "")) : Optional.empty();
  }

  /** Removes the hostname's record once the server is released; false when there was none or HTTPS is off. */
  public boolean unpublish(Seedbox seedbox) {
    return settings.enabled() && dns.remove(seedbox);
  }

  private static Optional<String> customerHostname(Seedbox seedbox) {
    return seedbox.getSpec() == null || seedbox.getSpec().getByosConnectionRef() == null ? Optional.empty()
        : Optional.ofNullable(seedbox.getSpec().getWebUiHostname()).filter(name -> !name.isBlank());
  }
}

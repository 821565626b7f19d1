package dev.seedbox.operator.https;

import dev.seedbox.api.v1alpha1.Seedbox;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a customer reaches a Seedbox's web UI. With HTTPS on, the hostname is published as a DNSEndpoint pointing at
 * the server. The status keeps advertising the client profile's plain URL until the lifecycle runs
 * {@code configure-https} on the server: an {@code https://} URL that nothing serves would send the customer to a
 * refused connection.
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

  public String webUiUrl(Seedbox seedbox, String plainUrl) {
    return plainUrl;
  }

  /** Points the Seedbox's hostname at the server's address; empty when HTTPS is off. */
  public Optional<DnsEndpoints.Change> publish(Seedbox seedbox, String address) {
    if (!settings.enabled()) {
      return Optional.empty();
    }
    return Optional.of(dns.ensure(seedbox, settings.hostname(seedbox), List.of(address)));
  }

  /** Removes the hostname's record once the server is released; false when there was none or HTTPS is off. */
  public boolean unpublish(Seedbox seedbox) {
    return settings.enabled() && dns.remove(seedbox);
  }
}

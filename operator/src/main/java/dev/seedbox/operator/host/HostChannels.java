package dev.seedbox.operator.host;

import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.api.v1alpha1.TorrentClient;
import dev.seedbox.hostchannel.HostChannel;
import dev.seedbox.hostchannel.https.CertificateCheck;
import dev.seedbox.hostchannel.https.WebUiRoutes;
import dev.seedbox.hostchannel.inmemory.InMemoryHost;
import dev.seedbox.hostchannel.webui.WebUiLogin;
import dev.seedbox.provisioning.client.TorrentClientProfiles;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * How the operator reaches the servers of each provider: the host channel that runs the host script there, and the
 * web UI login a customer would use. Cloud servers are reached over SSH and logged in to through each client's own
 * API; the in-memory provider's servers live on an in-memory host with the same contract.
 */
public final class HostChannels {

  /**
   * One provider's servers: the channel, and the login check for a client's web UI there.
   *
   * @param logins the login check for each client
   * @param certificates how a web UI's certificate is looked at from outside
   * @param routes where the logins' HTTPS requests for a hostname go before DNS says so; empty where logins reach
   *     the servers without DNS anyway (the in-memory host)
   */
  public record Endpoint(HostChannel channel, Function<TorrentClient, WebUiLogin> logins,
      CertificateCheck certificates, Optional<WebUiRoutes> routes) {
    public Endpoint {
      Objects.requireNonNull(channel, "channel");
      Objects.requireNonNull(logins, "logins");
      Objects.requireNonNull(certificates, "certificates");
      Objects.requireNonNull(routes, "routes");
    }

    public WebUiLogin login(TorrentClient client) {
      return logins.apply(client);
    }

    /** The operator's own requests to {@code https://hostname/} go to the server at {@code address}. */
    public void route(String hostname, String address) {
      routes.ifPresent(r -> r.route(hostname, address));
    }
  }

  private final Map<ProviderKind, Endpoint> byProvider;

  private HostChannels(Map<ProviderKind, Endpoint> byProvider) {
    this.byProvider = Map.copyOf(byProvider);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Where this provider's servers are reached, empty when the operator has no channel to them. */
  public Optional<Endpoint> forProvider(ProviderKind provider) {
    return Optional.ofNullable(byProvider.get(provider));
  }

  /**
   * Servers reached over {@code channel}, logged in to through each client's API as its profile says (whose HTTP
   * client goes through {@code routes}), their certificates checked over TLS.
   */
  public static Endpoint remote(HostChannel channel, TorrentClientProfiles clients, CertificateCheck certificates,
      WebUiRoutes routes) {
    return new Endpoint(channel, client -> clients.get(client)::checkLogin, certificates, Optional.of(routes));
  }

  /** Servers on an in-memory host: commands, logins and certificates all go to it. */
  public static Endpoint inMemory(InMemoryHost host) {
    return new Endpoint(host, client -> host, host, Optional.empty());
  }

  public static final class Builder {
    private final Map<ProviderKind, Endpoint> byProvider = new EnumMap<>(ProviderKind.class);

    public Builder remote(ProviderKind provider, HostChannel channel, TorrentClientProfiles clients,
        CertificateCheck certificates, WebUiRoutes routes) {
      byProvider.put(provider, HostChannels.remote(channel, clients, certificates, routes));
      return this;
    }

    public Builder inMemory(ProviderKind provider, InMemoryHost host) {
      byProvider.put(provider, HostChannels.inMemory(host));
      return this;
    }

    public HostChannels build() {
      return new HostChannels(byProvider);
    }
  }
}

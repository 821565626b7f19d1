package dev.seedbox.operator.host;

import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.api.v1alpha1.TorrentClient;
import dev.seedbox.hostchannel.HostChannel;
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
   */
  public record Endpoint(HostChannel channel, Function<TorrentClient, WebUiLogin> logins) {
    public Endpoint {
      Objects.requireNonNull(channel, "channel");
      Objects.requireNonNull(logins, "logins");
    }

    public WebUiLogin login(TorrentClient client) {
      return logins.apply(client);
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

  /** Servers reached over {@code channel}, logged in to through each client's API as its profile says. */
  public static Endpoint remote(HostChannel channel, TorrentClientProfiles clients) {
    return new Endpoint(channel, client -> clients.get(client)::checkLogin);
  }

  /** Servers on an in-memory host: commands and logins both go to it. */
  public static Endpoint inMemory(InMemoryHost host) {
    return new Endpoint(host, client -> host);
  }

  public static final class Builder {
    private final Map<ProviderKind, Endpoint> byProvider = new EnumMap<>(ProviderKind.class);

    public Builder remote(ProviderKind provider, HostChannel channel, TorrentClientProfiles clients) {
      byProvider.put(provider, HostChannels.remote(channel, clients));
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

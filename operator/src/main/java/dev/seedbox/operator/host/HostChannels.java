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

/**
 * How the operator reaches the servers of each provider: the host channel that runs the host script there, and the
 * web UI login a customer would use. Cloud servers are reached over SSH and logged in to through each client's own
 * API; the in-memory provider's servers live on an in-memory host with the same contract.
 */
public final class HostChannels {

  /** One provider's servers: the channel, and the login check for a client's web UI there. */
  public interface Endpoint {
    HostChannel channel();

    WebUiLogin login(TorrentClient client);
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
    Objects.requireNonNull(channel, "channel");
    return new Endpoint() {
      @Override
      public HostChannel channel() {
        return channel;
      }

      @Override
      public WebUiLogin login(TorrentClient client) {
        return clients.get(client)::checkLogin;
      }
    };
  }

  /** Servers on an in-memory host: commands and logins both go to it. */
  public static Endpoint inMemory(InMemoryHost host) {
    Objects.requireNonNull(host, "host");
    return new Endpoint() {
      @Override
      public HostChannel channel() {
        return host;
      }

      @Override
      public WebUiLogin login(TorrentClient client) {
        return host;
      }
    };
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

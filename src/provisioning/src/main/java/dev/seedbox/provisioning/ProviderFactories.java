package dev.seedbox.provisioning;

import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.provisioning.digitalocean.DigitalOceanProvider;
import dev.seedbox.provisioning.hetzner.HetznerProvider;
import dev.seedbox.provisioning.http.CloudTuning;
import dev.seedbox.provisioning.inmemory.InMemoryProvider;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/** The one list of provider factories, one per {@link ProviderKind}. */
public final class ProviderFactories {

  /** A cloud API's address and token (the token is never shown). */
  public record CloudApiSettings(URI apiUrl, String token) {
    @Override
    public String toString() {
      return "CloudApiSettings[apiUrl=" + apiUrl + "]";
    }
  }

  /** A cloud behind a token-authenticated HTTP API. */
  private record CloudApi(ProviderKind kind, String tokenVariable, String urlVariable, String defaultUrl,
      Constructor constructor) implements ProviderFactory<CloudApiSettings> {

    interface Constructor {
      ProvisioningProvider create(URI apiUrl, String token, CloudTuning tuning);
    }

    @Override
    public CloudApiSettings read(ConfigSource source) {
      String token = source.required(tokenVariable, "the " + kind + " API token (" + kind + " is enabled)");
      if (token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
        source.problem(tokenVariable + ": contains whitespace or control characters (value not shown)");
      }
      return new CloudApiSettings(source.url(urlVariable, defaultUrl), token);
    }

    @Override
    public ProvisioningProvider create(CloudApiSettings settings) {
      return constructor.create(settings.apiUrl(), settings.token(), CloudTuning.defaults());
    }
  }

  /** The in-memory provider: no settings of its own. */
  private record InMemory() implements ProviderFactory<InMemoryProvider.Options> {
    @Override
    public ProviderKind kind() {
      return ProviderKind.INMEMORY;
    }

    @Override
    public InMemoryProvider.Options read(ConfigSource source) {
      return InMemoryProvider.Options.defaults();
    }

    @Override
    public ProvisioningProvider create(InMemoryProvider.Options options) {
      return new InMemoryProvider(options);
    }
  }

  public static final List<ProviderFactory<?>> ALL = List.of(
      new CloudApi(ProviderKind.DIGITALOCEAN, "SEEDBOX_DIGITALOCEAN_TOKEN", "SEEDBOX_DIGITALOCEAN_API_URL",
          DigitalOceanProvider.DEFAULT_API_URL, DigitalOceanProvider::new),
      new CloudApi(ProviderKind.HETZNER, "SEEDBOX_HETZNER_TOKEN", "SEEDBOX_HETZNER_API_URL",
          HetznerProvider.DEFAULT_API_URL, HetznerProvider::new),
      new InMemory());

  private ProviderFactories() {
  }

  public static Optional<ProviderFactory<?>> forKind(ProviderKind kind) {
    return ALL.stream().filter(f -> f.kind() == kind).findFirst();
  }
}

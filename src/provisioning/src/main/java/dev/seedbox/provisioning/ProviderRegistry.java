package dev.seedbox.provisioning;

import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.provisioning.digitalocean.DigitalOceanProvider;
import dev.seedbox.provisioning.hetzner.HetznerProvider;
import dev.seedbox.provisioning.http.CloudTuning;
import dev.seedbox.provisioning.inmemory.InMemoryProvider;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The enabled providers by {@link ProviderKind}, built from the environment variables of docs/configuration.md:
 * {@code SEEDBOX_PROVIDERS}, {@code SEEDBOX_DIGITALOCEAN_TOKEN}/{@code _API_URL},
 * {@code SEEDBOX_HETZNER_TOKEN}/{@code _API_URL}.
 */
public final class ProviderRegistry {

  public static final String PROVIDERS = "SEEDBOX_PROVIDERS";
  public static final String DIGITALOCEAN_TOKEN = "SEEDBOX_DIGITALOCEAN_TOKEN";
  public static final String DIGITALOCEAN_API_URL = "SEEDBOX_DIGITALOCEAN_API_URL";
  public static final String HETZNER_TOKEN = "SEEDBOX_HETZNER_TOKEN";
  public static final String HETZNER_API_URL = "SEEDBOX_HETZNER_API_URL";
  public static final String DEFAULT_PROVIDERS = "digitalocean,hetzner";

  private final Map<ProviderKind, ProvisioningProvider> providers;

  public ProviderRegistry(Collection<? extends ProvisioningProvider> providers) {
    Map<ProviderKind, ProvisioningProvider> byKind = new EnumMap<>(ProviderKind.class);
    for (ProvisioningProvider provider : providers) {
      if (byKind.put(provider.kind(), provider) != null) {
        throw new IllegalArgumentException("two providers for " + provider.kind());
      }
    }
    this.providers = Collections.unmodifiableMap(byKind);
  }

  /** From the process environment with production timing. */
  public static ProviderRegistry fromEnvironment() {
    return fromEnvironment(System.getenv(), CloudTuning.defaults(), InMemoryProvider.Options.defaults());
  }

  /**
   * Validates every variable first and reports all problems at once.
   *
   * @throws InvalidProviderConfigurationException naming each problem
   */
  public static ProviderRegistry fromEnvironment(Map<String, String> env, CloudTuning tuning,
      InMemoryProvider.Options inMemory) {
    List<String> problems = new ArrayList<>();
    Set<ProviderKind> enabled = parseProviders(env.getOrDefault(PROVIDERS, DEFAULT_PROVIDERS), problems);
    List<ProvisioningProvider> providers = new ArrayList<>();
    for (ProviderKind kind : enabled) {
      switch (kind) {
        case DIGITALOCEAN -> {
          String token = token(env, DIGITALOCEAN_TOKEN, kind, problems);
          URI url = url(env, DIGITALOCEAN_API_URL, DigitalOceanProvider.DEFAULT_API_URL, problems);
          if (token != null && url != null) {
            providers.add(new DigitalOceanProvider(url, token, tuning));
          }
        }
        case HETZNER -> {
          String token = token(env, HETZNER_TOKEN, kind, problems);
          URI url = url(env, HETZNER_API_URL, HetznerProvider.DEFAULT_API_URL, problems);
          if (token != null && url != null) {
            providers.add(new HetznerProvider(url, token, tuning));
          }
        }
        case INMEMORY -> providers.add(new InMemoryProvider(inMemory));
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidProviderConfigurationException(problems);
    }
    return new ProviderRegistry(providers);
  }

  /** The provider for this kind, or empty when it is not enabled. */
  public Optional<ProvisioningProvider> find(ProviderKind kind) {
    return Optional.ofNullable(providers.get(kind));
  }

  /**
   * The provider for this kind.
   *
   * @throws IllegalStateException naming the enabled providers when this one is not among them
   */
  public ProvisioningProvider get(ProviderKind kind) {
    ProvisioningProvider provider = providers.get(kind);
    if (provider == null) {
      throw new IllegalStateException("provider " + kind + " is not enabled; " + PROVIDERS + " enables "
          + providers.keySet());
    }
    return provider;
  }

  public Set<ProviderKind> enabled() {
    return providers.keySet();
  }

  /** Every enabled provider, for the orphan sweep. */
  public Collection<ProvisioningProvider> all() {
    return providers.values();
  }

  private static Set<ProviderKind> parseProviders(String value, List<String> problems) {
    Set<ProviderKind> kinds = new LinkedHashSet<>();
    for (String part : value.split(",")) {
      String name = part.trim();
      if (name.isEmpty()) {
        continue;
      }
      Optional<ProviderKind> kind = java.util.Arrays.stream(ProviderKind.values())
          .filter(k -> k.wireName().equals(name)).findFirst();
      if (kind.isPresent()) {
        kinds.add(kind.get());
      } else {
        problems.add(PROVIDERS + ": unknown provider '" + name + "', expected some of digitalocean, hetzner, "
            + "inmemory");
      }
    }
    if (kinds.isEmpty() && problems.isEmpty()) {
      problems.add(PROVIDERS + ": names no provider, expected some of digitalocean, hetzner, inmemory");
    }
    return kinds;
  }

  private static String token(Map<String, String> env, String name, ProviderKind kind, List<String> problems) {
    String token = env.get(name);
    if (token == null || token.isBlank()) {
      problems.add(name + ": required because " + PROVIDERS + " enables " + kind + ", but it is not set");
      return null;
    }
    if (!token.strip().equals(token) || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      problems.add(name + ": contains whitespace or control characters (value not shown)");
      return null;
    }
    return token;
  }

  private static URI url(Map<String, String> env, String name, String defaultValue, List<String> problems) {
    String value = env.getOrDefault(name, defaultValue);
    try {
      URI uri = new URI(value);
      if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
        problems.add(name + ": expected an http(s) URL with a host, found '" + value + "'");
        return null;
      }
      return uri;
    } catch (URISyntaxException e) {
      problems.add(name + ": expected a URL, found '" + value + "'");
      return null;
    }
  }
}

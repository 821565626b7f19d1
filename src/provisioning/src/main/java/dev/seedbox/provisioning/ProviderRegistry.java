package dev.seedbox.provisioning;

import dev.seedbox.api.v1alpha1.ProviderKind;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The enabled providers by {@link ProviderKind} ({@code SEEDBOX_PROVIDERS}), each built by its
 * {@link ProviderFactory}.
 */
public final class ProviderRegistry {

  public static final String PROVIDERS = "SEEDBOX_PROVIDERS";

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
}

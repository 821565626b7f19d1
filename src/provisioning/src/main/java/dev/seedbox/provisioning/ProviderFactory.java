package dev.seedbox.provisioning;

import dev.seedbox.api.v1alpha1.ProviderKind;
import java.util.Objects;

/**
 * How one kind of provider is configured and built: its kind, reading its settings (checked, every problem
 * recorded), and creating it from them. {@link ProviderFactories#ALL} lists one per {@link ProviderKind}.
 *
 * @param <S> its settings; their {@code toString} never shows a credential
 */
public interface ProviderFactory<S> {

  ProviderKind kind();

  S read(ConfigSource source);

  ProvisioningProvider create(S settings);

  /** Reads the settings now; the provider is created later, from exactly what was read and checked. */
  default Configured<S> configure(ConfigSource source) {
    return new Configured<>(this, read(source));
  }

  /** A factory with its settings read. */
  record Configured<S>(ProviderFactory<S> factory, S settings) {
    public Configured {
      Objects.requireNonNull(factory, "factory");
      Objects.requireNonNull(settings, "settings");
    }

    public ProviderKind kind() {
      return factory.kind();
    }

    public ProvisioningProvider create() {
      return factory.create(settings);
    }
  }
}

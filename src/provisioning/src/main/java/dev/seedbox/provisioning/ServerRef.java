package dev.seedbox.provisioning;

import dev.seedbox.api.v1alpha1.ProviderKind;
import java.util.Objects;

/**
 * Names one server at one provider; written as {@code <provider>:<id>} in {@code status.providerRef} and in
 * PostgreSQL. Ids are 64-bit: DigitalOcean and Hetzner ids are already above 2^31.
 */
public record ServerRef(ProviderKind provider, long id) {

  public ServerRef {
    Objects.requireNonNull(provider, "provider");
    if (id <= 0) {
      throw new IllegalArgumentException("a server id is positive, found " + id);
    }
  }

  /** Reads {@code <provider>:<id>}, e.g. {@code digitalocean:3164444582}. */
  public static ServerRef parse(String text) {
    Objects.requireNonNull(text, "text");
    int colon = text.indexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("expected a server reference <provider>:<id>, found '" + text + "'");
    }
    String providerName = text.substring(0, colon);
    ProviderKind provider = null;
    for (ProviderKind kind : ProviderKind.values()) {
      if (kind.wireName().equals(providerName)) {
        provider = kind;
      }
    }
    if (provider == null) {
      throw new IllegalArgumentException("unknown provider '" + providerName + "' in server reference '" + text + "'");
    }
    try {
      return new ServerRef(provider, Long.parseLong(text.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a numeric server id in '" + text + "'", e);
    }
  }

  @Override
  public String toString() {
    return provider.wireName() + ":" + id;
  }
}

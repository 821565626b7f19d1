package dev.seedbox.keys.store;

import dev.seedbox.api.v1alpha1.SecretStoreKind;

/**
 * Where a private key is kept: {@code kubernetes:<namespace>/<name>#<key>} or {@code vault:<mount>/<path>#<version>}.
 * The reference is what PostgreSQL and the custom resource status hold; it is not secret.
 */
public sealed interface SecretRef permits KubernetesSecretRef, VaultSecretRef {

  String FORMATS = "kubernetes:<namespace>/<name>#<key> or vault:<mount>/<path>#<version>";

  /** Which store the reference points into. */
  SecretStoreKind kind();

  /** The canonical text form, which {@link #parse} reads back. */
  String value();

  /** Parses and validates a reference; a bad one fails with a message that names the expected form. */
  static SecretRef parse(String text) {
    if (text == null || text.isBlank()) {
      throw new SecretRefParseException("expected " + FORMATS + ", found nothing");
    }
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new SecretRefParseException("expected a store prefix 'kubernetes:' or 'vault:' in '" + text + "'");
    }
    String scheme = text.substring(0, colon);
    String rest = text.substring(colon + 1);
    int hash = rest.lastIndexOf('#');
    if (hash < 0) {
      throw new SecretRefParseException("expected '#<" + ("vault".equals(scheme) ? "version" : "key")
          + ">' at the end of '" + text + "'");
    }
    String location = rest.substring(0, hash);
    String fragment = rest.substring(hash + 1);
    int slash = location.indexOf('/');
    switch (scheme) {
      case "kubernetes" -> {
        if (slash < 0 || location.indexOf('/', slash + 1) >= 0) {
          throw new SecretRefParseException("expected kubernetes:<namespace>/<name>#<key>, found '" + text + "'");
        }
        return new KubernetesSecretRef(location.substring(0, slash), location.substring(slash + 1), fragment);
      }
      case "vault" -> {
        if (slash < 0) {
          throw new SecretRefParseException("expected vault:<mount>/<path>#<version>, found '" + text + "'");
        }
        long version;
        try {
          version = Long.parseLong(fragment);
        } catch (NumberFormatException e) {
          throw new SecretRefParseException("expected a numeric Vault version after '#', found '" + fragment
              + "' in '" + text + "'");
        }
        return new VaultSecretRef(location.substring(0, slash), location.substring(slash + 1), version);
      }
      default -> throw new SecretRefParseException("expected store prefix 'kubernetes' or 'vault', found '" + scheme
          + "' in '" + text + "'");
    }
  }
}

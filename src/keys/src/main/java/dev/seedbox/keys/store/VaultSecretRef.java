package dev.seedbox.keys.store;

import dev.seedbox.api.v1alpha1.SecretStoreKind;
import java.util.regex.Pattern;

/**
 * {@code vault:<mount>/<path>#<version>}: one version of a KV v2 secret. The mount is a single path segment (the
 * first one), so the reference reads back unambiguously.
 */
public record VaultSecretRef(String mount, String path, long version) implements SecretRef {

  static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.-]+");

  public VaultSecretRef {
    if (mount == null || !validSegment(mount)) {
      throw new SecretRefParseException("expected a Vault mount (one segment of [A-Za-z0-9_.-]), found '" + mount
          + "'");
    }
    if (path == null || !validPath(path)) {
      throw new SecretRefParseException("expected a Vault path (segments of [A-Za-z0-9_.-] separated by '/'), found '"
          + path + "'");
    }
    if (version < 1) {
      throw new SecretRefParseException("expected a Vault version of at least 1, found " + version);
    }
  }

  static boolean validSegment(String segment) {
    return SEGMENT.matcher(segment).matches() && !".".equals(segment) && !"..".equals(segment);
  }

  static boolean validPath(String path) {
    if (path.isEmpty()) {
      return false;
    }
    for (String segment : path.split("/", -1)) {
      if (!validSegment(segment)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public SecretStoreKind kind() {
    return SecretStoreKind.VAULT;
  }

  @Override
  public String value() {
    return "vault:" + mount + "/" + path + "#" + version;
  }

  @Override
  public String toString() {
    return value();
  }
}

package dev.seedbox.keys.store;

import dev.seedbox.api.v1alpha1.SecretStoreKind;
import java.util.regex.Pattern;

/** {@code kubernetes:<namespace>/<name>#<key>}: one data key of one Secret. */
public record KubernetesSecretRef(String namespace, String name, String key) implements SecretRef {

  static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern DATA_KEY = Pattern.compile("[-._a-zA-Z0-9]+");

  public KubernetesSecretRef {
    if (namespace == null || namespace.length() > 63 || !DNS_LABEL.matcher(namespace).matches()) {
      throw new SecretRefParseException("expected a namespace (RFC 1123 label, at most 63 characters), found '"
          + namespace + "'");
    }
    if (name == null || name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
      throw new SecretRefParseException("expected a Secret name (RFC 1123 subdomain, at most 253 characters), found '"
          + name + "'");
    }
    if (key == null || key.length() > 253 || !DATA_KEY.matcher(key).matches()) {
      throw new SecretRefParseException("expected a Secret data key ([-._a-zA-Z0-9]+), found '" + key + "'");
    }
  }

  @Override
  public SecretStoreKind kind() {
    return SecretStoreKind.KUBERNETES;
  }

  @Override
  public String value() {
    return "kubernetes:" + namespace + "/" + name + "#" + key;
  }

  @Override
  public String toString() {
    return value();
  }
}

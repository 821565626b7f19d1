package dev.seedbox.keys.store;

import dev.seedbox.api.v1alpha1.ByosConnection;

/**
 * Which ByosConnection a key belongs to. The uid lets a Kubernetes Secret be owner-referenced to it, so deleting the
 * connection garbage-collects its keys.
 */
public record ConnectionIdentity(String namespace, String name, String uid) {

  public ConnectionIdentity {
    if (namespace == null || !KubernetesSecretRef.DNS_LABEL.matcher(namespace).matches()) {
      throw new IllegalArgumentException("expected a namespace (RFC 1123 label), found '" + namespace + "'");
    }
    if (name == null || !KubernetesSecretRef.DNS_SUBDOMAIN.matcher(name).matches()) {
      throw new IllegalArgumentException("expected a ByosConnection name (RFC 1123 subdomain), found '" + name + "'");
    }
  }

  public static ConnectionIdentity of(ByosConnection connection) {
    return new ConnectionIdentity(connection.getMetadata().getNamespace(), connection.getMetadata().getName(),
        connection.getMetadata().getUid());
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}

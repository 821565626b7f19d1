package dev.seedbox.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a BYOS connection's private key is kept. */
public enum SecretStoreKind {
  @JsonProperty("kubernetes")
  KUBERNETES("kubernetes"),
  @JsonProperty("vault")
  VAULT("vault");

  private final String wireName;

  SecretStoreKind(String wireName) {
    this.wireName = wireName;
  }

  /** The value as it appears in custom resources. */
  public String wireName() {
    return wireName;
  }

  @Override
  public String toString() {
    return wireName;
  }
}

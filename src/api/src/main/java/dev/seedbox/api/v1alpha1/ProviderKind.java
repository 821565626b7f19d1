package dev.seedbox.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a seedbox's server is created. */
public enum ProviderKind {
  @JsonProperty("digitalocean")
  DIGITALOCEAN("digitalocean"),
  @JsonProperty("hetzner")
  HETZNER("hetzner"),
  @JsonProperty("inmemory")
  INMEMORY("inmemory");

  private final String wireName;

  ProviderKind(String wireName) {
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

package dev.seedbox.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a bring-your-own-server connection stands. */
public enum ByosPhase {
  @JsonProperty("AwaitingAuthorization")
  AWAITING_AUTHORIZATION("AwaitingAuthorization"),
  @JsonProperty("Connected")
  CONNECTED("Connected"),
  @JsonProperty("Failed")
  FAILED("Failed"),
  @JsonProperty("Revoked")
  REVOKED("Revoked");

  private final String wireName;

  ByosPhase(String wireName) {
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

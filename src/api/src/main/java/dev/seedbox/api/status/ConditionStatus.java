package dev.seedbox.api.status;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The three values Kubernetes allows in a condition's {@code status}. */
public enum ConditionStatus {
  @JsonProperty("True")
  TRUE,
  @JsonProperty("False")
  FALSE,
  @JsonProperty("Unknown")
  UNKNOWN;

  public static ConditionStatus of(boolean value) {
    return value ? TRUE : FALSE;
  }
}

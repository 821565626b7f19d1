package dev.seedbox.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A billing account's standing, projected from the ledger. */
public enum AccountState {
  @JsonProperty("Active")
  ACTIVE("Active"),
  @JsonProperty("LowBalance")
  LOW_BALANCE("LowBalance"),
  @JsonProperty("Suspended")
  SUSPENDED("Suspended");

  private final String wireName;

  AccountState(String wireName) {
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

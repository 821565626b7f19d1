package dev.seedbox.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What becomes of the downloads on a customer's own server when its Seedbox is terminated. Retain is the default:
 * deleting someone's files on their own machine must be asked for. A cloud server is deleted with its volume
 * either way.
 */
public enum DataOnTermination {
  @JsonProperty("Retain")
  RETAIN("Retain"),
  @JsonProperty("Delete")
  DELETE("Delete");

  private final String wireName;

  DataOnTermination(String wireName) {
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

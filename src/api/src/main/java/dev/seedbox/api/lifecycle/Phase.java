package dev.seedbox.api.lifecycle;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;

/**
 * The lifecycle states of a seedbox (architecture §5). The wire name (PascalCase) is what custom resources and the
 * database store.
 */
public enum Phase {
  @JsonProperty("Pending")
  PENDING("Pending"),
  @JsonProperty("Provisioning")
  PROVISIONING("Provisioning"),
  @JsonProperty("Active")
  ACTIVE("Active"),
  @JsonProperty("Suspended")
  SUSPENDED("Suspended"),
  @JsonProperty("Terminating")
  TERMINATING("Terminating"),
  @JsonProperty("Terminated")
  TERMINATED("Terminated"),
  @JsonProperty("Failed")
  FAILED("Failed");

  private final String wireName;

  Phase(String wireName) {
    this.wireName = wireName;
  }

  /** The PascalCase name stored in custom resources and in PostgreSQL. */
  public String wireName() {
    return wireName;
  }

  /** Parses a PascalCase phase name; the message names the value it could not read. */
  public static Phase fromWireName(String name) {
    return Arrays.stream(values())
        .filter(p -> p.wireName.equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(
            "unknown phase '" + name + "', expected one of " + Arrays.toString(values())));
  }

  @Override
  public String toString() {
    return wireName;
  }
}

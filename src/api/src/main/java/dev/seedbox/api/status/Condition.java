package dev.seedbox.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/**
 * One entry of {@code status.conditions}, shaped like the Kubernetes API conventions' {@code metav1.Condition}.
 * Conditions are adjectives ({@code Ready}, {@code Paid}); reasons are CamelCase.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Condition {

  @Required
  @JsonPropertyDescription("Condition type, an adjective in CamelCase such as Ready or Paid.")
  private String type;

  @Required
  private ConditionStatus status;

  @Pattern("^[A-Z][A-Za-z0-9]*$")
  @JsonPropertyDescription("CamelCase, machine-readable reason for the last transition.")
  private String reason;

  @JsonPropertyDescription("Human-readable detail.")
  private String message;

  @JsonPropertyDescription("When status last changed (RFC 3339).")
  private String lastTransitionTime;

  @JsonPropertyDescription("The metadata.generation this condition was computed from.")
  private Long observedGeneration;

  public Condition() {
  }

  public Condition(String type, ConditionStatus status, String reason, String message) {
    this.type = type;
    this.status = status;
    this.reason = reason;
    this.message = message;
  }

  public String getType() {
    return type;
  }

  public void setType(String type) {
    this.type = type;
  }

  public ConditionStatus getStatus() {
    return status;
  }

  public void setStatus(ConditionStatus status) {
    this.status = status;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getLastTransitionTime() {
    return lastTransitionTime;
  }

  public void setLastTransitionTime(String lastTransitionTime) {
    this.lastTransitionTime = lastTransitionTime;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Condition other)) {
      return false;
    }
    return Objects.equals(type, other.type)
        && status == other.status
        && Objects.equals(reason, other.reason)
        && Objects.equals(message, other.message)
        && Objects.equals(lastTransitionTime, other.lastTransitionTime)
        && Objects.equals(observedGeneration, other.observedGeneration);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, status, reason, message, lastTransitionTime, observedGeneration);
  }

  @Override
  public String toString() {
    return type + "=" + status + " (" + reason + ": " + message + ")";
  }
}

package dev.seedbox.api.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What every status of ours shares: the generation it was computed from and its conditions.
 *
 * <p>{@link #setCondition} keeps {@code lastTransitionTime} when the condition's status did not change, so a
 * reconcile that recomputes the same answer does not churn the resource (and wake every watcher).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class ResourceStatus {

  @JsonPropertyDescription("The metadata.generation this status was computed from.")
  private Long observedGeneration;

  @JsonPropertyDescription("Current service state, one entry per condition type.")
  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions == null ? new ArrayList<>() : new ArrayList<>(conditions);
  }

  /** The condition of this type, if one is set. */
  public Optional<Condition> findCondition(String type) {
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** True when a condition of this type is set with status True. */
  public boolean conditionIsTrue(String type) {
    return findCondition(type).map(c -> c.getStatus() == ConditionStatus.TRUE).orElse(false);
  }

  /**
   * Sets or replaces the condition of this type. {@code lastTransitionTime} moves to {@code now} only when the
   * status changes (or the condition is new); reason, message and observedGeneration are always refreshed.
   *
   * @return true if anything visible changed
   */
  public boolean setCondition(
      String type, ConditionStatus status, String reason, String message, Long observedGeneration, Instant now) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(status, "status");
    Optional<Condition> existing = findCondition(type);
    if (existing.isPresent()) {
      Condition current = existing.get();
      boolean transition = current.getStatus() != status;
      boolean changed = transition
          || !Objects.equals(current.getReason(), reason)
          || !Objects.equals(current.getMessage(), message)
          || !Objects.equals(current.getObservedGeneration(), observedGeneration);
      current.setStatus(status);
      current.setReason(reason);
      current.setMessage(message);
      current.setObservedGeneration(observedGeneration);
      if (transition || current.getLastTransitionTime() == null) {
        current.setLastTransitionTime(timestamp(now));
      }
      return changed;
    }
    Condition created = new Condition(type, status, reason, message);
    created.setObservedGeneration(observedGeneration);
    created.setLastTransitionTime(timestamp(now));
    conditions.add(created);
    return true;
  }

  /** Removes the condition of this type; returns true if there was one. */
  public boolean removeCondition(String type) {
    return conditions.removeIf(c -> type.equals(c.getType()));
  }

  /** Kubernetes timestamps are RFC 3339 with second precision. */
  private static String timestamp(Instant now) {
    return now.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}

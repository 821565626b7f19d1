package dev.seedbox.api.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.api.v1alpha1.SeedboxStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ResourceStatusTest {

  private static final Instant T0 = Instant.parse("2026-11-27T10:00:00.123Z");
  private static final Instant T1 = Instant.parse("2026-11-27T10:05:00Z");

  @Test
  void newConditionGetsTransitionTimeTruncatedToSeconds() {
    SeedboxStatus status = new SeedboxStatus();
    boolean changed = status.setCondition("Paid", ConditionStatus.FALSE, "AwaitingPayment", "no credit", 3L, T0);

    assertThat(changed).isTrue();
    Condition paid = status.findCondition("Paid").orElseThrow();
    assertThat(paid.getLastTransitionTime()).isEqualTo("2026-11-27T10:00:00Z");
    assertThat(paid.getObservedGeneration()).isEqualTo(3L);
    assertThat(paid.getReason()).isEqualTo("AwaitingPayment");
  }

  @Test
  void sameStatusAndTextIsNoChangeAndKeepsTransitionTime() {
    SeedboxStatus status = new SeedboxStatus();
    status.setCondition("Paid", ConditionStatus.FALSE, "AwaitingPayment", "no credit", 3L, T0);

    boolean changed = status.setCondition("Paid", ConditionStatus.FALSE, "AwaitingPayment", "no credit", 3L, T1);

    assertThat(changed).isFalse();
    assertThat(status.findCondition("Paid").orElseThrow().getLastTransitionTime()).isEqualTo("2026-11-27T10:00:00Z");
    assertThat(status.getConditions()).hasSize(1);
  }

  @Test
  void newMessageWithSameStatusIsAChangeButNotATransition() {
    SeedboxStatus status = new SeedboxStatus();
    status.setCondition("Paid", ConditionStatus.FALSE, "AwaitingPayment", "no credit", 3L, T0);

    boolean changed = status.setCondition("Paid", ConditionStatus.FALSE, "AccountSuspended", "suspended", 4L, T1);

    assertThat(changed).isTrue();
    Condition paid = status.findCondition("Paid").orElseThrow();
    assertThat(paid.getReason()).isEqualTo("AccountSuspended");
    assertThat(paid.getObservedGeneration()).isEqualTo(4L);
    assertThat(paid.getLastTransitionTime()).isEqualTo("2026-11-27T10:00:00Z");
  }

  @Test
  void statusFlipMovesTransitionTime() {
    SeedboxStatus status = new SeedboxStatus();
    status.setCondition("Paid", ConditionStatus.FALSE, "AwaitingPayment", "no credit", 3L, T0);

    boolean changed = status.setCondition("Paid", ConditionStatus.TRUE, "FirstPeriodCharged", "paid", 3L, T1);

    assertThat(changed).isTrue();
    assertThat(status.conditionIsTrue("Paid")).isTrue();
    assertThat(status.findCondition("Paid").orElseThrow().getLastTransitionTime()).isEqualTo("2026-11-27T10:05:00Z");
  }

  @Test
  void conditionsOfOtherTypesAreLeftAlone() {
    SeedboxStatus status = new SeedboxStatus();
    status.setCondition("Paid", ConditionStatus.TRUE, "FirstPeriodCharged", "paid", 1L, T0);
    status.setCondition("Ready", ConditionStatus.FALSE, "Provisioning", "creating", 1L, T0);

    status.setCondition("Ready", ConditionStatus.TRUE, "Active", "up", 1L, T1);

    assertThat(status.getConditions()).extracting(Condition::getType).containsExactly("Paid", "Ready");
    assertThat(status.findCondition("Paid").orElseThrow().getLastTransitionTime()).isEqualTo("2026-11-27T10:00:00Z");
    assertThat(status.removeCondition("Paid")).isTrue();
    assertThat(status.removeCondition("Paid")).isFalse();
  }
}

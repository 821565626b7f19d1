package dev.seedbox.api.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LifecycleTest {

  private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

  /** architecture §5, written out edge by edge and independently of the table in {@link Lifecycle}. */
  private static final Set<String> DESIGN_EDGES = Set.of(
      "Pending->Provisioning",
      "Provisioning->Active",
      "Active->Suspended",
      "Suspended->Active",
      "Active->Terminating",
      "Suspended->Terminating",
      "Failed->Terminating",
      "Terminating->Terminated",
      "Provisioning->Failed",
      "Pending->Terminated");

  private final Lifecycle lifecycle = new Lifecycle(Clock.fixed(NOW, ZoneOffset.UTC));

  static Stream<Arguments> everyOrderedPairOfPhases() {
    List<Arguments> pairs = new ArrayList<>();
    for (Phase from : Phase.values()) {
      for (Phase to : Phase.values()) {
        pairs.add(Arguments.of(from, to, DESIGN_EDGES.contains(from.wireName() + "->" + to.wireName())));
      }
    }
    return pairs.stream();
  }

  @Test
  void coversAllFortyNinePairsOfTheSevenPhases() {
    assertThat(Phase.values()).hasSize(7);
    assertThat(everyOrderedPairOfPhases()).hasSize(49);
  }

  @ParameterizedTest(name = "{0} -> {1} allowed={2}")
  @MethodSource("everyOrderedPairOfPhases")
  void acceptsExactlyTheTransitionsOfTheDesignTable(Phase from, Phase to, boolean allowed) {
    assertThat(Lifecycle.allows(from, to)).isEqualTo(allowed);
    if (allowed) {
      Transition transition = lifecycle.transition(from, to, "Because");
      assertThat(transition).isEqualTo(new Transition(from, to, "Because", NOW));
    } else {
      assertThatThrownBy(() -> lifecycle.transition(from, to, "Because"))
          .isInstanceOfSatisfying(InvalidTransitionException.class, e -> {
            assertThat(e.from()).isEqualTo(from);
            assertThat(e.to()).isEqualTo(to);
            assertThat(e.getMessage()).contains("from " + from.wireName() + " to " + to.wireName());
          });
    }
  }

  @Test
  void invalidTransitionMessageNamesWhatTheTableAllows() {
    assertThatThrownBy(() -> lifecycle.transition(Phase.ACTIVE, Phase.PENDING, "x"))
        .hasMessage("cannot move a seedbox from Active to Pending; from Active the lifecycle allows "
            + "[Suspended, Terminating]");
    assertThatThrownBy(() -> lifecycle.transition(Phase.TERMINATED, Phase.PENDING, "x"))
        .hasMessageEndingWith("the lifecycle allows no further transition");
  }

  @Test
  void onlyTerminatedIsFinal() {
    for (Phase phase : Phase.values()) {
      assertThat(Lifecycle.isFinal(phase)).as(phase.wireName()).isEqualTo(phase == Phase.TERMINATED);
    }
  }
}

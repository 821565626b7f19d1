package dev.seedbox.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProgressTableTest {

  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final Snapshot PENDING = new Snapshot(List.of(
      new Snapshot.Row("ba/acme-media", "Active", "Ready=True", Optional.of(690_00L)),
      new Snapshot.Row("sb/acme-films", "Pending", "Paid=False", Optional.empty())));
  private static final Snapshot ACTIVE = new Snapshot(List.of(
      new Snapshot.Row("ba/acme-media", "LowBalance", "Ready=True", Optional.of(-5L)),
      new Snapshot.Row("sb/acme-films", "Active", "", Optional.empty())));

  @Test
  void plainOutputAppendsASnapshotOnlyWhenTheTableChanged() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ProgressTable table = new ProgressTable(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);

    table.show(PENDING, NOW);
    table.show(PENDING, NOW.plusSeconds(5));
    table.show(ACTIVE, NOW.plusSeconds(10));

    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out).doesNotContain("\033[");
    assertThat(out.split("RESOURCE", -1)).hasSize(3);
    assertThat(out).contains("  sb/acme-films   Pending   Paid=False\n")
        .contains("  ba/acme-media   Active    Ready=True   $690.00\n")
        .contains("  ba/acme-media   LowBalance   Ready=True   -$0.05\n")
        .contains("  sb/acme-films   Active       -\n");
  }

  @Test
  void terminalOutputRedrawsTheTableInPlaceUnderTheStepLines() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ProgressTable table = new ProgressTable(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);

    table.show(PENDING, NOW);
    table.show(ACTIVE, NOW);
    table.say("step two");

    String out = bytes.toString(StandardCharsets.UTF_8);
    // clock line + header + 2 rows = 4 lines moved over each time
    assertThat(out).contains("\033[4F\033[J");
    assertThat(out.indexOf("step two")).isGreaterThan(out.lastIndexOf("LowBalance"));
  }

  @Test
  void theDevClockRunsWithTheWallClockAndOnlyJumpsForward() {
    Clock fixed = Clock.fixed(NOW, ZoneOffset.UTC);
    DevClock clock = new DevClock(fixed);
    assertThat(clock.instant()).isEqualTo(NOW);
    assertThat(clock.jump(Duration.ofDays(30))).isEqualTo(NOW.plus(Duration.ofDays(30)));
    assertThat(clock.instant()).isEqualTo(NOW.plus(Duration.ofDays(30)));
    assertThatThrownBy(() -> clock.jump(Duration.ofDays(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only moves forward");
  }
}

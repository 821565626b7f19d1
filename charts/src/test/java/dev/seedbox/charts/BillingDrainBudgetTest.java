package dev.seedbox.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The billing-controller stops within its drain budget, and the chart keeps that budget below the pod's grace. */
class BillingDrainBudgetTest {

  @TempDir
  Path dir;

  @Test
  void theDrainBudgetIsTheGracePeriodLessTheHeadroom() {
    RenderedChart chart = RenderedChart.defaults();

    assertThat(chart.podSpec("Deployment", "seedbox-billing").path("terminationGracePeriodSeconds").asInt())
        .isEqualTo(30);
    assertThat(drainBudget(chart)).isEqualTo("PT25S");
  }

  @Test
  void aLongerGracePeriodMovesTheBudgetWithIt() throws IOException {
    Path values = Files.writeString(dir.resolve("grace.yaml"),
        "billingController:\n  terminationGracePeriodSeconds: 90\n  drainHeadroomSeconds: 10\n");
    RenderedChart chart = RenderedChart.withValuesFile(values);

    assertThat(chart.podSpec("Deployment", "seedbox-billing").path("terminationGracePeriodSeconds").asInt())
        .isEqualTo(90);
    assertThat(drainBudget(chart)).isEqualTo("PT80S");
  }

  @Test
  void aHeadroomThatLeavesNoBudgetIsRefused() throws IOException {
    Path values = Files.writeString(dir.resolve("none.yaml"),
        "billingController:\n  terminationGracePeriodSeconds: 10\n  drainHeadroomSeconds: 10\n");

    assertThatThrownBy(() -> RenderedChart.withValuesFile(values)).hasMessageContaining("drainHeadroomSeconds");
  }

  private static String drainBudget(RenderedChart chart) {
    JsonNode container = chart.container("Deployment", "seedbox-billing");
    return RenderedChart.env(container).get("SEEDBOX_DRAIN_BUDGET").path("value").asText();
  }
}

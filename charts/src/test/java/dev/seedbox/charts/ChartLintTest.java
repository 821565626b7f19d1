package dev.seedbox.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;

class ChartLintTest {

  @Test
  void helmLintFindsNoErrorsOrWarnings() {
    LintResult result = new Helm(RenderedChart.chartDir()).lint().strict().call();

    assertThat(result.getMessages()).filteredOn(m -> m.contains("[ERROR]") || m.contains("[WARNING]")).isEmpty();
    assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
  }

  @Test
  void defaultValuesRenderTheWholeControlPlane() {
    RenderedChart chart = RenderedChart.defaults();

    assertThat(chart.names()).contains(
        "Deployment/seedbox-operator",
        "Deployment/seedbox-billing",
        "Service/seedbox-billing",
        "ConfigMap/seedbox-plans",
        "PodDisruptionBudget/seedbox-billing",
        "ServiceAccount/seedbox-operator",
        "ServiceAccount/seedbox-billing",
        "ClusterRole/seedbox-operator",
        "ClusterRoleBinding/seedbox-operator",
        "Role/seedbox-operator-leader-election");
    assertThat(chart.ofKind("Secret")).as("the chart never creates a Secret").isEmpty();
    assertThat(chart.ofKind("Ingress")).as("Ingress is off by default").isEmpty();
    assertThat(chart.ofKind("ServiceMonitor")).isEmpty();
  }
}

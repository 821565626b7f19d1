package dev.seedbox.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ChartCrdsMatchRepositoryTest {

  private static final String REFRESH = "mvn -B -pl src/api -am -P refresh-crds process-classes";

  @Test
  void chartShipsByteIdenticalCopiesOfTheRepositoryCrds() throws Exception {
    Path repositoryCrds = RenderedChart.repositoryDir().resolve("crds");
    Path chartCrds = RenderedChart.chartDir().resolve("crds");

    List<String> expected = fileNames(repositoryCrds);
    assertThat(expected).hasSize(3);
    assertThat(fileNames(chartCrds))
        .as("the chart's crds/ must hold exactly crds/*.yml; refresh both with: " + REFRESH)
        .isEqualTo(expected);
    for (String name : expected) {
      assertThat(Files.readAllBytes(chartCrds.resolve(name)))
          .as("charts/seedbox-control-plane/crds/%s differs from crds/%s; refresh both with: " + REFRESH, name, name)
          .isEqualTo(Files.readAllBytes(repositoryCrds.resolve(name)));
    }
  }

  private static List<String> fileNames(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }
}

package dev.seedbox.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** crds/ is what users apply without building, so it must be exactly what the Java classes generate. */
class CommittedCrdsMatchGeneratedTest {

  private static final String REFRESH = "mvn -B -pl src/api -am -P refresh-crds process-classes";

  @Test
  void committedCrdsAreExactlyTheGeneratedOnes() throws IOException {
    List<String> generated = names(GeneratedCrds.generatedDir());
    List<String> committed = names(GeneratedCrds.committedDir());
    assertThat(generated).as("the build generated no CRDs").isNotEmpty();
    assertThat(committed)
        .as("crds/ holds a different set of files than the build generates; refresh them with: " + REFRESH)
        .isEqualTo(generated);
    for (String name : generated) {
      String expected = Files.readString(GeneratedCrds.generatedDir().resolve(name));
      String actual = Files.readString(GeneratedCrds.committedDir().resolve(name));
      assertThat(actual)
          .as("crds/" + name + " differs from what the Java classes generate; refresh it with: " + REFRESH)
          .isEqualTo(expected);
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".yml")).sorted().toList();
    }
  }
}

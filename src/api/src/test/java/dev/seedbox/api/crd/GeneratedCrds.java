package dev.seedbox.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Reads the CRDs this build generated and the folders the build tells surefire about. */
final class GeneratedCrds {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private GeneratedCrds() {
  }

  static Path generatedDir() {
    return Path.of(System.getProperty("seedbox.crds.generated", "target/classes/META-INF/fabric8"));
  }

  static Path committedDir() {
    return Path.of(System.getProperty("seedbox.crds.committed", "../../crds"));
  }

  static Path examplesDir() {
    return Path.of(System.getProperty("seedbox.examples", "../../examples"));
  }

  /** The generated CRD for a plural name, e.g. "seedboxes". */
  static JsonNode crd(String plural) {
    return read(generatedDir().resolve(plural + ".seedbox.dev-v1.yml"));
  }

  /** The openAPIV3Schema of the only version of a CRD. */
  static JsonNode schema(String plural) {
    return crd(plural).at("/spec/versions/0/schema/openAPIV3Schema");
  }

  static JsonNode read(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every YAML document in every *.yaml file below a folder. */
  static List<Document> documentsBelow(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .sorted()
          .flatMap(f -> readAll(f).stream())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Document> readAll(Path file) {
    try {
      return YAML.readValues(YAML.getFactory().createParser(file.toFile()), JsonNode.class).readAll().stream()
          .filter(node -> node != null && !node.isNull() && !node.isMissingNode())
          .map(node -> new Document(file, node))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  record Document(Path file, JsonNode body) {
    String kind() {
      return body.path("kind").asText();
    }

    String apiVersion() {
      return body.path("apiVersion").asText();
    }
  }
}

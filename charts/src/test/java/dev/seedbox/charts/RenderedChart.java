package dev.seedbox.charts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The chart as {@code helm template} renders it (real Helm through helm-java), parsed into one JSON tree per
 * object. Renders are cached per set of values because every test class reads the default render.
 */
final class RenderedChart {

  static final String RELEASE = "seedbox";
  static final String NAMESPACE = "seedbox-system";
  static final YAMLMapper YAML = new YAMLMapper();

  private static final Map<String, RenderedChart> CACHE = new ConcurrentHashMap<>();

  private final List<JsonNode> objects;

  private RenderedChart(List<JsonNode> objects) {
    this.objects = List.copyOf(objects);
  }

  static Path chartDir() {
    return Path.of(System.getProperty("seedbox.chart", "seedbox-control-plane")).toAbsolutePath().normalize();
  }

  static Path repositoryDir() {
    return Path.of(System.getProperty("seedbox.repository", "..")).toAbsolutePath().normalize();
  }

  static Path testValues(String name) {
    return Path.of("src/test/resources/values", name).toAbsolutePath();
  }

  static RenderedChart defaults() {
    return with();
  }

  /** Renders with the given values files from src/test/resources/values, in order. */
  static RenderedChart with(String... valuesFiles) {
    return CACHE.computeIfAbsent(String.join(",", valuesFiles), key -> {
      TemplateCommand template = command();
      for (String file : valuesFiles) {
        template = template.withValuesFile(testValues(file));
      }
      return parse(template.call());
    });
  }

  /** Renders with one values file anywhere on disk; throws IllegalStateException with Helm's message on failure. */
  static RenderedChart withValuesFile(Path values) {
    return parse(command().withValuesFile(values).call());
  }

  static TemplateCommand command() {
    return command(chartDir());
  }

  private static TemplateCommand command(Path chart) {
    return new Helm(chart).template().withName(RELEASE).withNamespace(NAMESPACE);
  }

  /**
   * Renders hooks too. helm-java's template returns only the release manifest, which leaves hooks out (Helm moves
   * every object annotated {@code helm.sh/hook} into the release's hooks). So this renders a copy of the chart whose
   * templates say {@link #HOOK_PREFIX} instead of {@code helm.sh/hook}: the same objects, now in the manifest, with
   * their hook annotations under the other prefix.
   */
  static RenderedChart withHooksVisible() {
    return CACHE.computeIfAbsent("hooks-visible", key -> {
      Path copy = copyWithHooksRenamed();
      try {
        return parse(command(copy).call());
      } finally {
        deleteRecursively(copy);
      }
    });
  }

  static final String HOOK_PREFIX = "rendered-hook.test/hook";

  private static Path copyWithHooksRenamed() {
    try {
      Path target = Files.createTempDirectory("chart-hooks-");
      Path source = chartDir();
      try (Stream<Path> files = Files.walk(source)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          Path to = target.resolve(source.relativize(file).toString());
          if (Files.isDirectory(file)) {
            Files.createDirectories(to);
          } else if (file.startsWith(source.resolve("templates"))) {
            Files.writeString(to, Files.readString(file).replace("helm.sh/hook", HOOK_PREFIX));
          } else {
            Files.copy(file, to);
          }
        }
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RenderedChart parse(String manifest) {
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(manifest)) {
      List<JsonNode> objects = new ArrayList<>();
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc != null && doc.isObject() && doc.has("kind")) {
          objects.add(doc);
        }
      }
      return new RenderedChart(objects);
    } catch (IOException e) {
      throw new UncheckedIOException("helm template produced YAML that does not parse:\n" + manifest, e);
    }
  }

  List<JsonNode> objects() {
    return objects;
  }

  List<JsonNode> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).collect(Collectors.toList());
  }

  JsonNode one(String kind, String name) {
    List<JsonNode> found = ofKind(kind).stream()
        .filter(o -> name.equals(o.path("metadata").path("name").asText()))
        .collect(Collectors.toList());
    if (found.size() != 1) {
      throw new AssertionError("expected one " + kind + " named " + name + " but found " + found.size()
          + "; rendered: " + names());
    }
    return found.get(0);
  }

  boolean has(String kind, String name) {
    return ofKind(kind).stream().anyMatch(o -> name.equals(o.path("metadata").path("name").asText()));
  }

  List<String> names() {
    return objects.stream()
        .map(o -> o.path("kind").asText() + "/" + o.path("metadata").path("name").asText())
        .collect(Collectors.toList());
  }

  /** The first container of a Deployment's or Job's pod template. */
  JsonNode container(String kind, String name) {
    return podSpec(kind, name).path("containers").get(0);
  }

  JsonNode podSpec(String kind, String name) {
    return one(kind, name).path("spec").path("template").path("spec");
  }

  /** Every pod spec the chart renders (Deployments, Jobs and the Helm test Pod). */
  Stream<JsonNode> podSpecs() {
    return Stream.concat(Stream.concat(ofKind("Deployment").stream(), ofKind("Job").stream())
        .map(o -> o.path("spec").path("template").path("spec")), ofKind("Pod").stream().map(o -> o.path("spec")));
  }

  static Stream<JsonNode> elements(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false);
  }

  /** A container's env as name -> entry. */
  static Map<String, JsonNode> env(JsonNode container) {
    return elements(container.path("env"))
        .collect(Collectors.toMap(e -> e.path("name").asText(), e -> e, (a, b) -> {
          throw new AssertionError("duplicate env var " + a.path("name").asText());
        }, java.util.LinkedHashMap::new));
  }
}

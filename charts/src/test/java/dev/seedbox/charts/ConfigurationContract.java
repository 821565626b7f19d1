package dev.seedbox.charts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docs/configuration.md read as data: the documented environment variables and the table of Secrets the chart may
 * reference (name -> keys). The chart is checked against the document rather than against a copy of it.
 */
record ConfigurationContract(Set<String> variables, Map<String, Set<String>> secrets) {

  private static final Pattern VARIABLE = Pattern.compile("`(SEEDBOX_[A-Z0-9_]+)`");
  private static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");

  static ConfigurationContract read() {
    Path doc = RenderedChart.repositoryDir().resolve("docs/configuration.md");
    List<String> lines;
    try {
      lines = Files.readAllLines(doc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Set<String> variables = new LinkedHashSet<>();
    Map<String, Set<String>> secrets = new LinkedHashMap<>();
    boolean inSecretsTable = false;
    for (String line : lines) {
      if (line.startsWith("## ")) {
        inSecretsTable = line.contains("Secrets");
        continue;
      }
      Matcher variable = VARIABLE.matcher(line);
      while (variable.find()) {
        variables.add(variable.group(1));
      }
      if (inSecretsTable && line.startsWith("| `")) {
        String[] cells = line.split("\\|");
        Matcher name = BACKTICKED.matcher(cells[1]);
        name.find();
        Set<String> keys = new LinkedHashSet<>();
        Matcher key = BACKTICKED.matcher(cells[2]);
        while (key.find()) {
          keys.add(key.group(1));
        }
        secrets.put(name.group(1), keys);
      }
    }
    if (variables.isEmpty() || secrets.isEmpty()) {
      throw new IllegalStateException("docs/configuration.md no longer has the expected tables: " + doc);
    }
    return new ConfigurationContract(Set.copyOf(variables), Map.copyOf(secrets));
  }
}

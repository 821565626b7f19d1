package dev.seedbox.api.plan;

import java.util.List;

/** The plan catalog file could not be used; each problem names the plan and the field. */
public class InvalidPlanCatalogException extends RuntimeException {

  private final List<String> problems;

  public InvalidPlanCatalogException(String source, List<String> problems) {
    super("invalid plan catalog " + source + ":\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}

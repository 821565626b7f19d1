package dev.seedbox.ledger.schema;

import java.util.List;

/** Migration refused to finish: a runtime role, or PUBLIC, holds a privilege that lets it escalate. */
public final class UnsafeRuntimeRoleException extends RuntimeException {

  private final List<String> problems;

  public UnsafeRuntimeRoleException(List<String> problems) {
    super("the ledger schema is migrated but not safe to run on: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}

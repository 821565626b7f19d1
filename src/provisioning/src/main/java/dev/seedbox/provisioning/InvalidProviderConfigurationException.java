package dev.seedbox.provisioning;

import java.util.List;

/** The provider configuration cannot be used; one line per problem, never a secret value. */
public class InvalidProviderConfigurationException extends RuntimeException {

  private final List<String> problems;

  public InvalidProviderConfigurationException(List<String> problems) {
    super("invalid provider configuration:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}

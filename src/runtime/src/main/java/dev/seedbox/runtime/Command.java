package dev.seedbox.runtime;

import java.util.Locale;

/** What a service process was started to do. */
public enum Command {
  /** Serve, connected as the runtime database role. */
  RUN,
  /** Apply the Flyway migrations as the schema owner, then exit. */
  MIGRATE,
  /** Walk the audit chain as the runtime role against the last published head, report, exit 0 only if clean. */
  VERIFY;

  public static Command parse(String[] args) {
    if (args.length == 0) {
      return RUN;
    }
    if (args.length == 1) {
      switch (args[0].toLowerCase(Locale.ROOT)) {
        case "run":
          return RUN;
        case "migrate":
          return MIGRATE;
        case "verify":
          return VERIFY;
        default:
          break;
      }
    }
    throw new InvalidConfigurationException(java.util.List.of(
        "unexpected arguments " + String.join(" ", args) + "; usage: [run | migrate | verify]"));
  }
}

package dev.seedbox.devstack;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the repository checkout the dev stack runs in. Deliberately free of logging: the main resolves the checkout
 * before logging is configured, because the log file lives inside it.
 */
final class Checkout {

  private Checkout() {
  }

  /** The first of {@code start} and its parents that has both crds/ and examples/plans.yaml. */
  static Path find(Path start) {
    for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("crds")) && Files.isRegularFile(dir.resolve("examples/plans.yaml"))) {
        return dir;
      }
    }
    throw new IllegalStateException("run the dev stack inside the repository: no folder from "
        + start.toAbsolutePath() + " upwards has crds/ and examples/plans.yaml");
  }
}

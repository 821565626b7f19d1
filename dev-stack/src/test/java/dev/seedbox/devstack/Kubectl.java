package dev.seedbox.devstack;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real kubectl binary (Debian's {@code kubernetes-client}, which {@code .ci/run} installs), pointed at a
 * kubeconfig. Without it the tests that need it are skipped with a banner, and fail under {@code CI=true}.
 */
final class Kubectl {

  /** What one kubectl run printed (stdout and stderr together) and how it exited. */
  record Result(int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  private final Path binary;
  private final Path kubeconfig;
  private final Path cacheDir;

  private Kubectl(Path binary, Path kubeconfig, Path cacheDir) {
    this.binary = binary;
    this.kubeconfig = kubeconfig;
    this.cacheDir = cacheDir;
  }

  /** kubectl for this kubeconfig; skips (or fails under CI) when kubectl is not installed. */
  static Kubectl require(Path kubeconfig, Path cacheDir) {
    Path found = null;
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, "kubectl");
      if (Files.isExecutable(candidate)) {
        found = candidate;
        break;
      }
    }
    if (found == null && Files.isExecutable(Path.of("/usr/bin/kubectl"))) {
      found = Path.of("/usr/bin/kubectl");
    }
    if (found == null) {
      String banner = "KUBECTL TESTS NOT RUN: no kubectl on PATH (install Debian's kubernetes-client; .ci/run does)";
      System.err.println("=".repeat(banner.length()) + "\n" + banner + "\n" + "=".repeat(banner.length()));
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(banner);
      }
      assumeTrue(false, banner);
    }
    return new Kubectl(found, kubeconfig, cacheDir);
  }

  /** Runs kubectl to its end, or stops it after a minute. */
  Result run(String... args) {
    return run(Duration.ofSeconds(60), args);
  }

  /** Runs kubectl until it ends or {@code atMost} passed (how a watch is stopped); exit code -1 when stopped. */
  Result run(Duration atMost, String... args) {
    List<String> command = new ArrayList<>(List.of(binary.toString(), "--kubeconfig", kubeconfig.toString(),
        "--cache-dir", cacheDir.toString(), "--request-timeout", "20s"));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      // read while it runs: a watch is stopped by the deadline, and what it printed until then is the result
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      Thread reader = new Thread(() -> {
        try (InputStream in = process.getInputStream()) {
          in.transferTo(printed);
        } catch (IOException e) {
          // the process was stopped: what was read so far stays
        }
      });
      reader.start();
      boolean done = process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
      reader.join(5_000);
      String output;
      synchronized (printed) {
        output = printed.toString(StandardCharsets.UTF_8);
      }
      return new Result(done ? process.exitValue() : -1, output);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

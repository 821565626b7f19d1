package dev.seedbox.runtime;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads configuration from environment variables and collects every problem instead of stopping at the first, so an
 * operator fixes a broken Deployment in one round. Call {@link #check()} once everything is read.
 *
 * <p>Values of variables whose names mark them as secret are never echoed in a problem.
 */
public final class Environment {

  private static final Pattern SECRET_NAME = Pattern.compile(".*(TOKEN|PASSWORD|SECRET|KEY).*");

  private final Map<String, String> values;
  private final List<String> problems = new ArrayList<>();

  private Environment(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  public static Environment of(Map<String, String> values) {
    return new Environment(values);
  }

  public static Environment system() {
    return new Environment(System.getenv());
  }

  /** A value that must be present and not blank. Returns "" when missing (the problem is recorded). */
  public String required(String name, String meaning) {
    return optional(name).orElseGet(() -> {
      problems.add(name + " is required: " + meaning);
      return "";
    });
  }

  /** A value that may be absent; blank counts as absent. */
  public Optional<String> optional(String name) {
    String value = values.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  public String string(String name, String defaultValue) {
    return optional(name).orElse(defaultValue);
  }

  public int integer(String name, int defaultValue, int min, int max) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    try {
      int value = Integer.parseInt(raw.get());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    problems.add(name + " must be a whole number from " + min + " to " + max + ", found " + shown(name, raw.get()));
    return defaultValue;
  }

  /** An ISO-8601 duration such as PT5M; must be positive. */
  public Duration duration(String name, Duration defaultValue) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    try {
      Duration value = Duration.parse(raw.get().toUpperCase(Locale.ROOT));
      if (!value.isNegative() && !value.isZero()) {
        return value;
      }
    } catch (DateTimeParseException ignored) {
      // reported below
    }
    problems.add(name + " must be a positive ISO-8601 duration such as PT5M, found " + shown(name, raw.get()));
    return defaultValue;
  }

  public boolean flag(String name, boolean defaultValue) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    return switch (raw.get().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> {
        problems.add(name + " must be true or false, found " + shown(name, raw.get()));
        yield defaultValue;
      }
    };
  }

  /** A comma-separated list; blanks are dropped. */
  public List<String> list(String name, List<String> defaultValue) {
    return optional(name)
        .map(raw -> Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
        .orElse(defaultValue);
  }

  /** An absolute http or https URL. */
  public URI url(String name, String defaultValue) {
    String raw = string(name, defaultValue);
    try {
      URI uri = new URI(raw);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException ignored) {
      // reported below
    }
    problems.add(name + " must be an absolute http(s) URL, found " + shown(name, raw));
    return URI.create(defaultValue);
  }

  /** Records a problem found by the caller, e.g. two settings that contradict each other. */
  public void problem(String message) {
    problems.add(message);
  }

  /** Throws with every problem recorded so far. */
  public void check() {
    if (!problems.isEmpty()) {
      throw new InvalidConfigurationException(problems);
    }
  }

  private static String shown(String name, String value) {
    return SECRET_NAME.matcher(name).matches() ? "a value that is not shown (secret)" : "'" + value + "'";
  }
}

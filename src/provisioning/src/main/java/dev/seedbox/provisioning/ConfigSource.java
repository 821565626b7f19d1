package dev.seedbox.provisioning;

import java.net.URI;

/**
 * Where a provider's settings are read from (the process environment in production). Problems are recorded, not
 * thrown, so that one start-up reports every problem at once.
 */
public interface ConfigSource {

  /** A value that must be present; "" when missing (the problem is recorded). */
  String required(String name, String meaning);

  /** An absolute http(s) URL, {@code defaultValue} when unset. */
  URI url(String name, String defaultValue);

  /** Records a problem found while reading. */
  void problem(String message);
}

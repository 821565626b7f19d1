package dev.seedbox.keys.store;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How to reach Vault's KV v2 engine. The operator's settings read it from the variables in docs/configuration.md:
 * {@code SEEDBOX_VAULT_ADDR} (unset: Vault off), {@code SEEDBOX_VAULT_TOKEN}, {@code SEEDBOX_VAULT_MOUNT}
 * ({@code secret}), {@code SEEDBOX_VAULT_PATH_PREFIX} ({@code seedbox/byos}).
 *
 * @param deleteMetadataOnRevoke after destroying a key's version, also delete the path's metadata, so nothing of a
 *     revoked key (not even its version history) stays behind
 */
public record VaultConfig(URI address, String token, String mount, String pathPrefix, Duration timeout,
    boolean deleteMetadataOnRevoke) {

  public static final String ADDR = "SEEDBOX_VAULT_ADDR";
  public static final String TOKEN = "SEEDBOX_VAULT_TOKEN";
  public static final String MOUNT = "SEEDBOX_VAULT_MOUNT";
  public static final String PATH_PREFIX = "SEEDBOX_VAULT_PATH_PREFIX";
  public static final String DEFAULT_MOUNT = "secret";
  public static final String DEFAULT_PATH_PREFIX = "seedbox/byos";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  public VaultConfig {
    List<String> problems = problems(address, token, mount, pathPrefix, timeout);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
    pathPrefix = strip(pathPrefix);
  }

  public VaultConfig(URI address, String token) {
    this(address, token, DEFAULT_MOUNT, DEFAULT_PATH_PREFIX, DEFAULT_TIMEOUT, true);
  }

  /** What is wrong with these values, one line per problem naming its variable; empty when nothing is. */
  public static List<String> problems(URI address, String token, String mount, String pathPrefix,
      Duration timeout) {
    List<String> problems = new ArrayList<>();
    if (address == null || address.getScheme() == null || address.getHost() == null
        || !List.of("http", "https").contains(address.getScheme())) {
      problems.add(ADDR + ": expected an http(s) URL, found '" + address + "'");
    }
    if (token == null || token.isBlank()) {
      problems.add(TOKEN + ": required when " + ADDR + " is set, found nothing");
    }
    if (mount == null || !VaultSecretRef.validSegment(mount)) {
      problems.add(MOUNT + ": expected one path segment of [A-Za-z0-9_.-], found '" + mount + "'");
    }
    if (pathPrefix == null || !(strip(pathPrefix).isEmpty() || VaultSecretRef.validPath(strip(pathPrefix)))) {
      problems.add(PATH_PREFIX + ": expected segments of [A-Za-z0-9_.-] separated by '/', found '" + pathPrefix
          + "'");
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      problems.add("Vault timeout: expected a positive duration, found " + timeout);
    }
    return problems;
  }

  private static String strip(String prefix) {
    String result = prefix == null ? "" : prefix.strip();
    while (result.startsWith("/")) {
      result = result.substring(1);
    }
    while (result.endsWith("/")) {
      result = result.substring(0, result.length() - 1);
    }
    return result;
  }

  @Override
  public String toString() {
    return "VaultConfig[address=" + address + ", token=[redacted], mount=" + mount + ", pathPrefix=" + pathPrefix
        + ", timeout=" + timeout + ", deleteMetadataOnRevoke=" + deleteMetadataOnRevoke + "]";
  }
}

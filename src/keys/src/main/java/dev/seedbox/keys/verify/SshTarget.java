package dev.seedbox.keys.verify;

/** The customer's server as the ByosConnection names it. */
public record SshTarget(String host, int port, String user) {

  public SshTarget {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("expected a host, found none");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("expected a port 1..65535, found " + port);
    }
    if (user == null || user.isBlank()) {
      throw new IllegalArgumentException("expected a user, found none");
    }
  }

  @Override
  public String toString() {
    return user + "@" + host + ":" + port;
  }
}

package dev.seedbox.keys.store;

/** The place for one rotation's key of one connection; each rotation gets its own, so keys are never overwritten. */
public record KeySlot(ConnectionIdentity connection, long rotation) {

  public KeySlot {
    if (connection == null) {
      throw new IllegalArgumentException("expected a connection, found none");
    }
    if (rotation < 0) {
      throw new IllegalArgumentException("expected a rotation of at least 0, found " + rotation);
    }
    String name = secretName(connection, rotation);
    if (name.length() > 253) {
      throw new IllegalArgumentException("expected a Secret name of at most 253 characters, found " + name.length()
          + " in '" + name + "'");
    }
  }

  /** {@code <connection>-key-<rotation>}: the Secret name, and the last segment of the Vault path. */
  public String secretName() {
    return secretName(connection, rotation);
  }

  private static String secretName(ConnectionIdentity connection, long rotation) {
    return connection.name() + "-key-" + rotation;
  }

  @Override
  public String toString() {
    return connection + "#" + rotation;
  }
}

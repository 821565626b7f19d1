package dev.seedbox.operator.host;

import dev.seedbox.keys.key.SshKeyPair;
import java.util.Objects;

/**
 * The two keys of a server we create: {@code management} is ours (its public half is the only key the server's
 * admin user accepts) and {@code host} is the server's own host key, generated here and installed by cloud-init so
 * that the host channel pins it before the first connection.
 */
public record ServerKeyPair(SshKeyPair management, SshKeyPair host) {

  public ServerKeyPair {
    Objects.requireNonNull(management, "management");
    Objects.requireNonNull(host, "host");
  }

  @Override
  public String toString() {
    return "ServerKeyPair[management=" + management.publicKey().fingerprint() + ", host="
        + host.publicKey().fingerprint() + " (private halves not shown)]";
  }
}

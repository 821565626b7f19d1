package dev.seedbox.hostchannel;

import dev.seedbox.keys.verify.SshTarget;
import java.util.regex.Pattern;

/**
 * A seedbox server as the host channel reaches it. The host key is always pinned: we generated it for servers we
 * create, and a BYOS server's was pinned when its connection was verified; there is no trust on first use here.
 */
public record HostTarget(String host, int port, String user, String hostKeyFingerprint) {

  private static final Pattern FINGERPRINT = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}");

  public HostTarget {
    new SshTarget(host, port, user);
    if (hostKeyFingerprint == null || !FINGERPRINT.matcher(hostKeyFingerprint).matches()) {
      throw new IllegalArgumentException("expected a pinned host key fingerprint SHA256:<43 base64 characters>, found "
          + hostKeyFingerprint);
    }
  }

  @Override
  public String toString() {
    return new SshTarget(host, port, user).toString();
  }
}

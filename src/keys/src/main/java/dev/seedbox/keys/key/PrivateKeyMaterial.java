package dev.seedbox.keys.key;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A private key in the OpenSSH private-key format, as it goes into and comes out of a secret store.
 *
 * <p>Not a record: a record's generated {@code toString()} would print the bytes, and anything that logs or formats
 * this object (a log line, an exception message, a debugger) must see only a placeholder.
 */
public final class PrivateKeyMaterial {

  private final byte[] openSsh;

  private PrivateKeyMaterial(byte[] openSsh) {
    this.openSsh = openSsh;
  }

  /** Wraps the OpenSSH private-key text (PEM, as ssh-keygen writes it); the array is copied. */
  public static PrivateKeyMaterial ofOpenSsh(byte[] openSshText) {
    if (openSshText == null || openSshText.length == 0) {
      throw new KeyFormatException("expected OpenSSH private-key text, found nothing");
    }
    return new PrivateKeyMaterial(openSshText.clone());
  }

  /** A copy of the OpenSSH private-key text (US-ASCII). */
  public byte[] openSshBytes() {
    return openSsh.clone();
  }

  /** The OpenSSH private-key text; only for writing to a store or a 600 file, never for logs. */
  public String openSshText() {
    return new String(openSsh, StandardCharsets.US_ASCII);
  }

  /** Constant-time comparison, so a store can tell "same key again" from "a different key" without leaking. */
  public boolean sameAs(PrivateKeyMaterial other) {
    return other != null && MessageDigest.isEqual(openSsh, other.openSsh);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PrivateKeyMaterial other && sameAs(other);
  }

  @Override
  public int hashCode() {
    // deliberately uninformative: a hash of key bytes is a (weak) leak in any hash-based debug output
    return PrivateKeyMaterial.class.hashCode();
  }

  /** Overwrites the bytes once the caller no longer needs them. */
  public void wipe() {
    Arrays.fill(openSsh, (byte) 0);
  }

  @Override
  public String toString() {
    return "PrivateKeyMaterial[redacted]";
  }
}

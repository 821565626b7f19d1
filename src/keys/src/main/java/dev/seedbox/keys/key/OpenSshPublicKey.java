package dev.seedbox.keys.key;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * An Ed25519 public key as OpenSSH writes it: {@code ssh-ed25519 <base64 blob> <comment>}.
 *
 * @param blob the SSH wire encoding ({@code string "ssh-ed25519", string key})
 * @param comment names the connection, e.g. {@code seedbox:tenant-a/home#2}; no spaces or control characters, so the
 *     key stays one authorized_keys line
 */
public record OpenSshPublicKey(byte[] blob, String comment) {

  public static final String KEY_TYPE = "ssh-ed25519";

  public OpenSshPublicKey {
    if (blob == null || blob.length == 0) {
      throw new KeyFormatException("expected a public key blob, found nothing");
    }
    blob = blob.clone();
    checkComment(comment);
  }

  /** Parses {@code ssh-ed25519 <base64> <comment>}; the comment is required. */
  public static OpenSshPublicKey parse(String line) {
    String[] parts = line.strip().split(" ");
    if (parts.length != 3) {
      throw new KeyFormatException("expected 'ssh-ed25519 <base64> <comment>', found " + parts.length + " fields");
    }
    if (!KEY_TYPE.equals(parts[0])) {
      throw new KeyFormatException("expected key type " + KEY_TYPE + ", found '" + parts[0] + "'");
    }
    byte[] blob;
    try {
      blob = Base64.getDecoder().decode(parts[1]);
    } catch (IllegalArgumentException e) {
      throw new KeyFormatException("expected base64 key data, found invalid base64");
    }
    SshWire.Reader reader = new SshWire.Reader(blob, "public key");
    String type = reader.string();
    if (!KEY_TYPE.equals(type)) {
      throw new KeyFormatException("expected blob of type " + KEY_TYPE + ", found '" + type + "'");
    }
    byte[] key = reader.bytes();
    if (key.length != 32 || reader.remaining() != 0) {
      throw new KeyFormatException("expected a 32-byte Ed25519 key, found " + key.length + " bytes");
    }
    return new OpenSshPublicKey(blob, parts[2]);
  }

  static void checkComment(String comment) {
    if (comment == null || comment.isEmpty()) {
      throw new KeyFormatException("expected a comment naming the connection, found none");
    }
    for (int i = 0; i < comment.length(); i++) {
      char c = comment.charAt(i);
      if (c <= ' ' || c == 0x7f) {
        throw new KeyFormatException("expected a comment without spaces or control characters, found one at index "
            + i + " of '" + comment.replaceAll("\\p{Cntrl}", "?") + "'");
      }
    }
  }

  @Override
  public byte[] blob() {
    return blob.clone();
  }

  /** The 32 raw public key bytes. */
  public byte[] rawKey() {
    SshWire.Reader reader = new SshWire.Reader(blob, "public key");
    reader.string();
    return reader.bytes();
  }

  /** {@code ssh-ed25519 <base64> <comment>}: one authorized_keys line. */
  public String line() {
    return keyPart() + " " + comment;
  }

  /** {@code ssh-ed25519 <base64>} without the comment: what identifies the key in an authorized_keys file. */
  public String keyPart() {
    return KEY_TYPE + " " + Base64.getEncoder().encodeToString(blob);
  }

  /** {@code SHA256:<base64 without padding>}, as {@code ssh-keygen -lf} prints it. */
  public String fingerprint() {
    return fingerprintOf(blob);
  }

  /** Fingerprint of any SSH public key blob (host keys too). */
  public static String fingerprintOf(byte[] sshBlob) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(sshBlob);
      return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OpenSshPublicKey other
        && java.util.Arrays.equals(blob, other.blob) && comment.equals(other.comment);
  }

  @Override
  public int hashCode() {
    return 31 * java.util.Arrays.hashCode(blob) + comment.hashCode();
  }

  @Override
  public String toString() {
    return line();
  }

  byte[] commentBytes() {
    return comment.getBytes(StandardCharsets.UTF_8);
  }
}

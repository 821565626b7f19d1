package dev.seedbox.ledger.audit;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The head of the audit chain, {@code <seq>:<hex hash>}: what the sealer publishes outside PostgreSQL at every run
 * and what {@code verify} checks the chain against.
 */
public record ChainHead(long seq, byte[] hash) {

  public ChainHead {
    if (seq < 1) {
      throw new IllegalArgumentException("a chain head has seal number 1 or more, found " + seq);
    }
    if (hash == null || hash.length != 32) {
      throw new IllegalArgumentException("a chain head carries a 32-byte SHA-256, found "
          + (hash == null ? "none" : hash.length + " bytes"));
    }
    hash = hash.clone();
  }

  /** Parses {@code <seq>:<64 hex digits>}. */
  public static ChainHead parse(String text) {
    int colon = text == null ? -1 : text.indexOf(':');
    if (colon < 1) {
      throw new IllegalArgumentException("expected a chain head as <seq>:<64 hex digits>, found '" + text + "'");
    }
    try {
      return new ChainHead(Long.parseLong(text.substring(0, colon)), HexFormat.of().parseHex(text.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a chain head as <seq>:<64 hex digits>, found '" + text + "'", e);
    }
  }

  @Override
  public byte[] hash() {
    return hash.clone();
  }

  boolean matches(byte[] other) {
    return Arrays.equals(hash, other);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChainHead h && h.seq == seq && Arrays.equals(h.hash, hash);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(seq) * 31 + Arrays.hashCode(hash);
  }

  @Override
  public String toString() {
    return seq + ":" + HexFormat.of().formatHex(hash);
  }
}

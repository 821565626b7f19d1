package dev.seedbox.ledger.byos;

/** What pinning a host key found. */
public sealed interface HostKeyPin {

  /** This call pinned the key (first successful handshake). */
  record Pinned(String hostKey) implements HostKeyPin {}

  /** The same key was already pinned. */
  record AlreadyPinned(String hostKey) implements HostKeyPin {}

  /** Another key is pinned: the server presented a different host key, report it as a failure. */
  record Mismatch(String pinned, String presented) implements HostKeyPin {}
}

package dev.seedbox.keys.verify;

/** What an SSH handshake with our key found. None of these carries key material. */
public sealed interface VerificationResult {

  /** One sentence for a condition message or an Event. */
  String message();

  /** The server took our key; {@code hostKeyFingerprint} is its host key, to pin. */
  record Connected(String hostKeyFingerprint) implements VerificationResult {
    @Override
    public String message() {
      return "connected; server host key " + hostKeyFingerprint;
    }
  }

  /** The server answered (its host key is {@code hostKeyFingerprint}) but did not accept our key for the user. */
  record AuthenticationRejected(String user, String keyFingerprint, String hostKeyFingerprint)
      implements VerificationResult {
    @Override
    public String message() {
      return "the server rejected our key " + keyFingerprint + " for user '" + user
          + "'; run the onboarding command on the server as that user";
    }
  }

  /** The server presented another host key than the pinned one; we did not authenticate to it. */
  record HostKeyMismatch(String expected, String found) implements VerificationResult {
    @Override
    public String message() {
      return "host key mismatch: expected " + expected + ", found " + found
          + "; if the server was reinstalled, update spec.hostKeyFingerprint";
    }
  }

  /** No SSH conversation could be had (DNS, TCP, timeout, protocol). */
  record Unreachable(String reason) implements VerificationResult {
    @Override
    public String message() {
      return "unreachable: " + reason;
    }
  }

  /** The host resolves to an address we refuse to connect to; nothing was sent to it. */
  record AddressRefused(String reason) implements VerificationResult {
    @Override
    public String message() {
      return "address refused: " + reason;
    }
  }
}

package dev.seedbox.hostchannel;

/** Whether the customer can use their seedbox right now, and if not, why, as a condition reason. */
public sealed interface ProbeResult {

  String message();

  record Healthy() implements ProbeResult {
    @Override
    public String message() {
      return "the client runs and its web UI accepts the customer's credentials";
    }
  }

  /**
   * @param reason one of {@link ClientProbe}'s reasons: {@code HostUnreachable}, {@code HostKeyMismatch},
   *     {@code HostAccessRefused}, {@code ClientNotInstalled}, {@code ClientNotRunning}, {@code WebUiUnreachable},
   *     {@code CredentialsRejected}, or the host script's own
   */
  record Unhealthy(String reason, String message) implements ProbeResult {
  }
}

package dev.seedbox.hostchannel.credentials;

/** What one credentials step came to. Messages never carry a password. */
public sealed interface RotationOutcome {

  String message();

  /** The current password belongs to the wanted rotation: nothing to do. */
  record Current(long rotation) implements RotationOutcome {
    @Override
    public String message() {
      return "the web UI credentials of rotation " + rotation + " are current";
    }
  }

  /** The pending password was set on the server, accepted at login, and is now current. */
  record Promoted(long rotation) implements RotationOutcome {
    @Override
    public String message() {
      return "the web UI credentials of rotation " + rotation + " were set on the server, accepted at login, and are"
          + " now current";
    }
  }

  /**
   * The new password could not be applied or was not accepted; the previous one is current (and, where one existed,
   * back on the server). {@code reason} is a condition reason, e.g. {@code CredentialsRotationFailed}.
   */
  record Failed(String reason, String message) implements RotationOutcome {
  }
}

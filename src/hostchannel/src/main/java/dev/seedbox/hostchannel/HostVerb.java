package dev.seedbox.hostchannel;

/**
 * The closed set of commands the host script understands. The verb is the only command-line argument the server
 * sees; everything else travels as JSON on stdin.
 */
public enum HostVerb {
  VERSION("version"),
  BOOT_STATUS("boot-status"),
  INSTALL_CLIENT("install-client"),
  SET_CREDENTIALS("set-credentials"),
  START("start"),
  STOP("stop"),
  HEALTH("health"),
  UNINSTALL("uninstall"),
  CONFIGURE_HTTPS("configure-https"),
  HTTPS_STATUS("https-status"),
  REMOVE_HTTPS("remove-https"),
  /**
   * Checks, before anything is installed or charged, that a customer's server can run a slot: Debian or Ubuntu with
   * apt and systemd, a supported architecture, free disk for the plan, the slot's ports free. Refusal reasons:
   * {@code ByosUnsupportedOs}, {@code ByosSystemdRequired}, {@code ByosUnsupportedArchitecture},
   * {@code ByosDiskTooSmall}, {@code ByosPortInUse}.
   */
  PREFLIGHT("preflight"),
  /**
   * Limits a slot's disk to {@code diskMiB}: a Linux user quota where the data file system has user quotas on,
   * otherwise an ext4 file system of the slot's own mounted as its home; grown in place, never shrunk
   * ({@code DiskLimitShrinkRefused}). Answers the mechanism and, as {@code health} does from then on, the MiB used
   * and the limit.
   */
  LIMIT_DISK("limit-disk");

  private final String wireName;

  HostVerb(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** Whether the arguments carry a secret, so that nothing about them may be logged. */
  public boolean carriesSecret() {
    return this == SET_CREDENTIALS;
  }
}

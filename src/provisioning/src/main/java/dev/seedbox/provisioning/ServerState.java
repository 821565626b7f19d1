package dev.seedbox.provisioning;

/** A server's state at its provider, mapped onto one vocabulary for every provider. */
public enum ServerState {
  /** Being created (DigitalOcean {@code new}, Hetzner {@code initializing}). */
  PROVISIONING,
  /** Powering on (Hetzner {@code starting}). */
  STARTING,
  /** Running (DigitalOcean {@code active}, Hetzner {@code running}). */
  RUNNING,
  /** Shutting down (Hetzner {@code stopping}). */
  STOPPING,
  /** Powered off: a suspended seedbox's server (DigitalOcean and Hetzner {@code off}). */
  OFF,
  /** Being deleted (Hetzner {@code deleting}). */
  DELETING,
  /** Archived by the provider (DigitalOcean {@code archive}); not running and not ours to power on. */
  ARCHIVED,
  /** Busy with provider maintenance (Hetzner {@code rebuilding}, {@code migrating}). */
  MAINTENANCE,
  /** The provider said {@code unknown}, or a status we do not know yet. */
  UNKNOWN
}

package dev.seedbox.provisioning;

import java.util.Objects;

/**
 * New web UI credentials from {@link ProvisioningProvider#rotateCredentials}. The caller stores the password in a
 * Kubernetes Secret and nowhere else; {@link #toString()} never shows it.
 *
 * @param username the web UI user
 * @param password the new plain password, for the customer's Secret only
 * @param passwordHash the password in qBittorrent's {@code @ByteArray(salt:key)} PBKDF2 format, safe to ship in
 *     cloud-init or over SSH
 * @param appliedOnServer whether the provider already set it on the server. Cloud APIs (DigitalOcean, Hetzner) have
 *     no call that sets an application's password, so their providers return false and the caller applies the hash
 *     over SSH or by rebuilding with new user data.
 */
public record Credentials(String username, String password, String passwordHash, boolean appliedOnServer) {

  public Credentials {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(passwordHash, "passwordHash");
  }

  @Override
  public String toString() {
    return "Credentials[username=" + username + ", password=<redacted>, passwordHash=<redacted>, appliedOnServer="
        + appliedOnServer + "]";
  }
}

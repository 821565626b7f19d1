package dev.seedbox.hostchannel.credentials;

import java.util.Optional;

/**
 * The web UI credentials as their store (the Seedbox's web UI Secret) holds them. {@code current} is the password
 * the customer uses and the server accepts; {@code pending} is one being introduced for rotation
 * {@code pendingRotation} and is never shown as current until the server accepted it.
 *
 * @param current empty before the first password was ever applied
 * @param rotation the rotation the current password belongs to
 */
public record StoredCredentials(String username, Optional<String> current, long rotation, Optional<String> pending,
    long pendingRotation) {

  public StoredCredentials {
    if (username == null || username.isBlank()) {
      throw new IllegalArgumentException("expected a web UI user name, found none");
    }
  }

  public static StoredCredentials none(String username) {
    return new StoredCredentials(username, Optional.empty(), 0, Optional.empty(), 0);
  }

  @Override
  public String toString() {
    return "StoredCredentials[username=" + username + ", current=" + (current.isPresent() ? "<set>" : "<none>")
        + ", rotation=" + rotation + ", pending=" + (pending.isPresent() ? "<set>" : "<none>") + ", pendingRotation="
        + pendingRotation + "]";
  }
}

package dev.seedbox.hostchannel.credentials;

/**
 * Where a Seedbox's web UI credentials live (its Secret). Each write is durable before it returns, so that a crash
 * between two phases resumes from what was written.
 */
public interface CredentialStore {

  StoredCredentials read();

  /** Records {@code password} as pending for {@code rotation}; the current password stays current. */
  void stage(String password, long rotation);

  /** Makes the pending password current for its rotation and removes it from pending. */
  void promote();
}

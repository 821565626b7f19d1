package dev.seedbox.hostchannel.credentials;

import java.util.Optional;

/** A store held in a field, for the rotation's tests; it can be told to fail its next promotion, like a crash. */
public final class MemoryCredentialStore implements CredentialStore {

  private StoredCredentials stored;
  private boolean crashOnPromote;

  public MemoryCredentialStore(String username) {
    this.stored = StoredCredentials.none(username);
  }

  public void crashOnNextPromote() {
    crashOnPromote = true;
  }

  @Override
  public synchronized StoredCredentials read() {
    return stored;
  }

  @Override
  public synchronized void stage(String password, long rotation) {
    stored = new StoredCredentials(stored.username(), stored.current(), stored.rotation(), Optional.of(password),
        rotation);
  }

  @Override
  public synchronized void promote() {
    if (crashOnPromote) {
      crashOnPromote = false;
      throw new IllegalStateException("the operator stopped before the promotion was written");
    }
    stored = new StoredCredentials(stored.username(), stored.pending(), stored.pendingRotation(), Optional.empty(), 0);
  }
}

package dev.seedbox.keys.store;

/**
 * A revocation was asked for something this connection's keys do not include: a Secret we did not make or that
 * another connection owns, another namespace, a Vault path outside our prefix. Nothing was deleted. References reach
 * {@code revoke} from places others can write (a database column, a custom resource's status), so the store checks
 * ownership itself instead of trusting the reference.
 */
public class RevocationRefusedException extends SecretStoreException {

  private final SecretRef ref;

  public RevocationRefusedException(SecretRef ref, ConnectionIdentity owner, String why) {
    super("refused to revoke " + ref + " for ByosConnection " + owner + ": " + why);
    this.ref = ref;
  }

  public SecretRef ref() {
    return ref;
  }
}

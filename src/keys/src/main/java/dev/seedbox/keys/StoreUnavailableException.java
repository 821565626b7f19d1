package dev.seedbox.keys;

import dev.seedbox.api.v1alpha1.SecretStoreKind;

/** A ByosConnection asks for a secret store that this operator is not configured for (e.g. Vault without an address). */
public class StoreUnavailableException extends RuntimeException {

  public StoreUnavailableException(SecretStoreKind requested, String hint) {
    super("expected secretStore '" + requested + "' to be configured, found it unavailable: " + hint);
  }
}

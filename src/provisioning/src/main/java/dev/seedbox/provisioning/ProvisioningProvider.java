package dev.seedbox.provisioning;

import dev.seedbox.api.v1alpha1.ProviderKind;
import java.util.List;
import java.util.Optional;

/**
 * Creates and runs seedbox servers at one provider (architecture §6). Every method is idempotent, safe to call from
 * many threads, retries what is worth retrying (429 after the wait the provider asked for, 5xx, lost connections) and
 * then throws a {@link ProviderException}: {@link RetryableProviderException} when a later attempt may succeed, {@link
 * PermanentProviderException} (with the provider's own message) when it will not.
 */
public interface ProvisioningProvider {

  ProviderKind kind();

  /**
   * Creates the seedbox's server, or adopts the one that already carries the request's Seedbox UID: a crash between
   * this call and recording its answer, or an answer lost on the wire, never makes a second server.
   */
  CreatedServer create(CreateRequest request);

  /** Shuts the server down gracefully, and powers it off if it has not stopped in time. Off already is fine. */
  void suspend(ServerRef server);

  /** Powers a suspended server back on. Running already is fine. */
  void resume(ServerRef server);

  /** Deletes the server (with its volumes). A server that is already gone is fine. */
  void terminate(ServerRef server);

  /**
   * Deletes every server carrying this Seedbox UID; for when the server's id was never recorded. Returns how many it
   * deleted.
   */
  int terminateBySeedboxUid(String seedboxUid);

  /** The server's current state, or empty when the provider no longer has it. */
  Optional<ServerInfo> status(ServerRef server);

  /** Generates new web UI credentials and, where the provider can, sets them on the server. */
  Credentials rotateCredentials(ServerRef server);

  /** Every server at this provider that carries our management tag or label, for the orphan sweep. */
  List<ServerInfo> listManaged();
}

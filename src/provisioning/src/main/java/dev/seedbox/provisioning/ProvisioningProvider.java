package dev.seedbox.provisioning;

import dev.seedbox.api.v1alpha1.ProviderKind;
import java.util.List;
import java.util.Optional;

/**
 * Creates and runs seedbox servers at one provider (architecture §6). Every method is idempotent, safe to call from many
 * threads, retries what is worth retrying (429 after the wait the provider asked for, 5xx, lost connections) and
 * then throws a {@link ProviderException}: {@link RetryableProviderException} when a later attempt may succeed
 * (rate limits, outages, a server busy with another action), {@link ProviderUnauthorizedException} when the provider
 * refuses our token (the operator's configuration; retried with back-off by the caller), and
 * {@link PermanentProviderException} (with the provider's own message) when the request itself will never work.
 */
public interface ProvisioningProvider {

  ProviderKind kind();

  /**
   * Creates the seedbox's server, or adopts the one that already carries the request's Seedbox UID: a crash between
   * this call and recording its answer, or an answer lost on the wire, never makes a second server. At most one
   * create per UID runs at a time (a second one is refused as busy). When the request asks for a volume, the volume
   * (tagged with the UID, in the server's region) is made or adopted first and attached at create. Newer servers
   * carrying the same UID are deleted and named in {@link CreatedServer#duplicatesDeleted()}.
   */
  CreatedServer create(CreateRequest request);

  /**
   * Shuts the server down gracefully and waits for it to be off; powers it off if it has not stopped within the
   * shutdown timeout. Off already is fine.
   */
  void suspend(ServerRef server);

  /** Powers a suspended server back on. Running already is fine. */
  void resume(ServerRef server);

  /** Detaches and deletes the server's volumes and deletes the server. A server that is already gone is fine. */
  void terminate(ServerRef server);

  /**
   * Deletes every server and every volume carrying this Seedbox UID; for when the server's id was never recorded,
   * and for a volume left without its server. Returns how many servers it deleted.
   */
  int terminateBySeedboxUid(String seedboxUid);

  /** The server's current state, or empty when the provider no longer has it. */
  Optional<ServerInfo> status(ServerRef server);

  /** Every server at this provider that carries our management tag or label, for the orphan sweep. */
  List<ServerInfo> listManaged();

  /** Every volume at this provider that carries our management tag or label, for the orphan sweep. */
  List<VolumeInfo> listManagedVolumes();
}

package dev.seedbox.provisioning;

import dev.seedbox.api.v1alpha1.TorrentClient;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything a provider needs to create a seedbox's server.
 *
 * @param seedboxUid the Seedbox's Kubernetes UID; it goes into a tag or label so that create is idempotent
 * @param size the provider's size slug or server type, from the plan catalog
 * @param region the provider's region or location
 * @param client the BitTorrent client the user data installs
 * @param userData the cloud-init user data; it carries the server's host key, so it is never printed
 * @param volumeGb the size of the block storage volume the plan sells, attached at create and mounted by the user
 *     data at the client's download directory; 0 when the plan's storage fits the server's own disk
 * @param sshPublicKey our management key (an OpenSSH public key line), registered at the provider and named in the
 *     create so that the provider makes and mails no root password; null names none
 */
public record CreateRequest(String seedboxUid, String size, String region, TorrentClient client, String userData,
    long volumeGb, String sshPublicKey) {

  /**
   * Kubernetes UIDs are UUIDs; this keeps a UID inside what DigitalOcean tags and Hetzner label values and server
   * names accept.
   */
  private static final Pattern UID = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9_-]{0,50}[A-Za-z0-9])?");

  public CreateRequest {
    requireUid(seedboxUid);
    Objects.requireNonNull(size, "size");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(userData, "userData");
    if (volumeGb < 0) {
      throw new IllegalArgumentException("volumeGb is 0 (no volume) or a size in GB, found " + volumeGb);
    }
  }

  public CreateRequest(String seedboxUid, String size, String region, TorrentClient client, String userData,
      long volumeGb) {
    this(seedboxUid, size, region, client, userData, volumeGb, null);
  }

  /** A server without a volume: the plan's storage fits the server's own disk. */
  public CreateRequest(String seedboxUid, String size, String region, TorrentClient client, String userData) {
    this(seedboxUid, size, region, client, userData, 0);
  }

  /** The same request naming {@code key} (an OpenSSH public key line) as the server's provider SSH key. */
  public CreateRequest withSshKey(String key) {
    return new CreateRequest(seedboxUid, size, region, client, userData, volumeGb, key);
  }

  /** The name under which the Seedbox's key is registered at the provider. */
  public String sshKeyName() {
    return sshKeyName(seedboxUid);
  }

  public static String sshKeyName(String seedboxUid) {
    return "seedbox-" + seedboxUid;
  }

  public boolean wantsVolume() {
    return volumeGb > 0;
  }

  static void requireUid(String seedboxUid) {
    Objects.requireNonNull(seedboxUid, "seedboxUid");
    if (!UID.matcher(seedboxUid).matches()) {
      throw new IllegalArgumentException("expected a Seedbox UID of letters, digits, '-' and '_' (at most 52), found '"
          + seedboxUid + "'");
    }
  }

  /** Never prints the user data: it carries the server's host key. */
  @Override
  public String toString() {
    return "CreateRequest[seedboxUid=" + seedboxUid + ", size=" + size + ", region=" + region + ", client=" + client
        + ", userData=<" + userData.length() + " chars>, volumeGb=" + volumeGb + ", sshKey="
        + (sshPublicKey == null ? "none" : sshKeyName()) + "]";
  }
}

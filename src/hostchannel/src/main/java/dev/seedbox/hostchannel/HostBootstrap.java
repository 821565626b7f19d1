package dev.seedbox.hostchannel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.seedbox.keys.key.OpenSshPublicKey;
import dev.seedbox.keys.key.SshKeyPair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The cloud-init user data that prepares a server we create for the host channel: the host key we generated (so it
 * is pinned before the first connection: no trust on first use), one unprivileged admin user holding only our
 * management public key, sudo for the host script and nothing else, SSH password and root logins off, and the host
 * script itself. No password and no password hash: the web UI credentials are set later over the host channel. No
 * default distribution user is created.
 *
 * @param packages installed at boot so the first install over the host channel finds them (e.g. the client's)
 * @param dataVolume the server has a block storage volume attached at create (DigitalOcean {@code scsi-0DO_Volume_*},
 *     Hetzner {@code scsi-0HC_Volume_*}): it is formatted once (only a device without any filesystem, so an adopted
 *     volume keeps its data) and mounted by label at {@link #DATA_ROOT}, where every client keeps its downloads
 */
public record HostBootstrap(String adminUser, OpenSshPublicKey managementKey, SshKeyPair hostKey,
    List<String> packages, boolean dataVolume) {

  public static final String DEFAULT_ADMIN_USER = "seedbox";
  public static final String SSHD_DROP_IN = "/etc/ssh/sshd_config.d/10-seedbox.conf";
  public static final String SUDOERS_FILE = "/etc/sudoers.d/seedbox";
  /** Where the host script keeps each client's home and downloads. */
  public static final String DATA_ROOT = "/srv/seedbox";
  public static final String VOLUME_LABEL = "seedbox-data";
  public static final String MOUNT_SCRIPT = "/usr/local/libexec/seedbox/mount-data-volume";

  private static final Pattern PACKAGE = Pattern.compile("[a-z0-9][a-z0-9+.-]+");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE));

  public HostBootstrap {
    Objects.requireNonNull(managementKey, "managementKey");
    Objects.requireNonNull(hostKey, "hostKey");
    HostScript.sudoersRule(adminUser);
    packages = List.copyOf(packages);
    for (String p : packages) {
      if (!PACKAGE.matcher(p).matches()) {
        throw new IllegalArgumentException("expected a Debian package name, found '" + p + "'");
      }
    }
  }

  /** A server whose data stays on its own disk. */
  public HostBootstrap(String adminUser, OpenSshPublicKey managementKey, SshKeyPair hostKey, List<String> packages) {
    this(adminUser, managementKey, hostKey, packages, false);
  }

  /** The user data, starting with {@code #cloud-config}. */
  public String render() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("ssh_pwauth", false);
    doc.put("disable_root", true);
    // the image's own host keys go; ours is the only one (so none is generated), and the one the operator pinned
    doc.put("ssh_deletekeys", true);
    doc.put("ssh_genkeytypes", List.of("ed25519"));
    doc.put("ssh_keys", Map.of(
        "ed25519_private", hostKey.privateKey().openSshText(),
        "ed25519_public", hostKey.publicKey().line()));
    Map<String, Object> admin = new LinkedHashMap<>();
    admin.put("name", adminUser);
    admin.put("gecos", "seedbox control plane");
    admin.put("shell", "/bin/bash");
    admin.put("lock_passwd", true);
    admin.put("ssh_authorized_keys", List.of(managementKey.line()));
    doc.put("users", List.of(admin));
    List<Map<String, Object>> files = new ArrayList<>(List.of(
        file(HostScript.PATH, "0755", HostScript.text()),
        file(SUDOERS_FILE, "0440", HostScript.sudoersRule(adminUser)),
        file(SSHD_DROP_IN, "0644", sshdHardening())));
    if (dataVolume) {
      files.add(file(MOUNT_SCRIPT, "0755", mountScript()));
      doc.put("runcmd", List.of(List.of(MOUNT_SCRIPT)));
    }
    doc.put("write_files", files);
    if (!packages.isEmpty()) {
      doc.put("package_update", true);
      doc.put("packages", packages);
    }
    try {
      return "#cloud-config\n" + YAML.writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write cloud-init YAML", e);
    }
  }

  /** What sshd allows on a server we create: our admin user, with a key, and nothing else. */
  public String sshdHardening() {
    return String.join("\n",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PermitRootLogin no",
        "PubkeyAuthentication yes",
        "AllowUsers " + adminUser,
        "");
  }

  private static String mountScript() {
    return String.join("\n",
        "#!/bin/sh",
        "set -eu",
        "label=" + VOLUME_LABEL,
        "dir=" + DATA_ROOT,
        "mkdir -p \"$dir\"",
        "udevadm settle || true",
        "if ! blkid -L \"$label\" >/dev/null 2>&1; then",
        "  for dev in /dev/disk/by-id/scsi-0DO_Volume_* /dev/disk/by-id/scsi-0HC_Volume_*; do",
        "    [ -b \"$dev\" ] || continue",
        "    if [ -z \"$(blkid -o value -s TYPE \"$dev\" || true)\" ]; then",
        "      mkfs.ext4 -q -L \"$label\" \"$dev\"",
        "    fi",
        "    break",
        "  done",
        "fi",
        "if blkid -L \"$label\" >/dev/null 2>&1; then",
        "  grep -q \"^LABEL=$label \" /etc/fstab || echo \"LABEL=$label $dir ext4 defaults,nofail,noatime 0 2\" >> /etc/fstab",
        "  mountpoint -q \"$dir\" || mount \"$dir\"",
        "else",
        "  echo \"no data volume found for $dir\" >&2",
        "  exit 1",
        "fi",
        "");
  }

  private static Map<String, Object> file(String path, String permissions, String content) {
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("path", path);
    file.put("owner", "root:root");
    file.put("permissions", permissions);
    file.put("content", content);
    return file;
  }

  @Override
  public String toString() {
    return "HostBootstrap[adminUser=" + adminUser + ", managementKey=" + managementKey.fingerprint() + ", hostKey="
        + hostKey.publicKey().fingerprint() + " (private half not shown), packages=" + packages + ", dataVolume=" + dataVolume + "]";
  }
}

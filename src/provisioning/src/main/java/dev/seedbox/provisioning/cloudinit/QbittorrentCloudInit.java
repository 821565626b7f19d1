package dev.seedbox.provisioning.cloudinit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Cloud-init user data that turns a fresh Debian server into a qBittorrent-nox seedbox: a non-root system user, its
 * configuration with the web UI password as a PBKDF2 hash (never the password), a systemd unit, a firewall that
 * opens SSH, the web UI and the BitTorrent listen port only, and the plan's block storage volume (when the server
 * has one) formatted once and mounted at the client's download directory by its filesystem label, {@code nofail},
 * so a server whose plan keeps its storage on its own disk boots the same way.
 *
 * @param webUiUsername the web UI user
 * @param webUiPasswordHash from {@link QbittorrentPassword#hash(String)}
 * @param webUiPort the web UI's TCP port
 * @param listenPort the BitTorrent TCP and UDP port
 */
public record QbittorrentCloudInit(String webUiUsername, String webUiPasswordHash, int webUiPort, int listenPort) {

  public static final String SYSTEM_USER = "qbittorrent";
  public static final String HOME = "/var/lib/qbittorrent";
  public static final String CONFIG_FILE = HOME + "/.config/qBittorrent/qBittorrent.conf";
  public static final String UNIT_FILE = "/etc/systemd/system/qbittorrent-nox.service";
  /** Where the client saves downloads: the plan's volume is mounted here. */
  public static final String DOWNLOADS = HOME + "/downloads";
  /** The filesystem label the volume is formatted with and mounted by. */
  public static final String VOLUME_LABEL = "seedbox-data";
  public static final String MOUNT_SCRIPT = "/usr/local/sbin/seedbox-mount-downloads";
  public static final int DEFAULT_WEB_UI_PORT = 8080;
  public static final int DEFAULT_LISTEN_PORT = 6881;

  private static final Pattern HASH = Pattern.compile("@ByteArray\\([A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+\\)");
  private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE));

  public QbittorrentCloudInit {
    Objects.requireNonNull(webUiUsername, "webUiUsername");
    Objects.requireNonNull(webUiPasswordHash, "webUiPasswordHash");
    if (!USERNAME.matcher(webUiUsername).matches()) {
      throw new IllegalArgumentException("expected a web UI user name of letters, digits, '.', '_' or '-', found '"
          + webUiUsername + "'");
    }
    // A plain password passed by mistake must fail here, before it can reach a server's user data.
    if (!HASH.matcher(webUiPasswordHash).matches()) {
      throw new IllegalArgumentException("expected a qBittorrent @ByteArray(salt:key) hash for the web UI password, "
          + "found something else (not shown)");
    }
    requirePort("webUiPort", webUiPort);
    requirePort("listenPort", listenPort);
    if (webUiPort == listenPort || webUiPort == 22 || listenPort == 22) {
      throw new IllegalArgumentException("the web UI port, the listen port and SSH (22) must differ, found web UI "
          + webUiPort + " and listen " + listenPort);
    }
  }

  public static QbittorrentCloudInit withDefaultPorts(String webUiUsername, String webUiPasswordHash) {
    return new QbittorrentCloudInit(webUiUsername, webUiPasswordHash, DEFAULT_WEB_UI_PORT, DEFAULT_LISTEN_PORT);
  }

  /** The user data, starting with {@code #cloud-config}. */
  public String render() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("package_update", true);
    doc.put("packages", List.of("qbittorrent-nox", "ufw"));
    doc.put("users", List.of("default", Map.of(
        "name", SYSTEM_USER,
        "system", true,
        "homedir", HOME,
        "shell", "/usr/sbin/nologin",
        "lock_passwd", true)));
    // write_files runs before users are created; deferred files are written in the final stage, after them.
    doc.put("write_files", List.of(
        file(CONFIG_FILE, SYSTEM_USER + ":" + SYSTEM_USER, "0600", qbittorrentConf()),
        file(UNIT_FILE, "root:root", "0644", unit()),
        file(MOUNT_SCRIPT, "root:root", "0755", mountScript())));
    doc.put("runcmd", List.of(
        List.of(MOUNT_SCRIPT),
        List.of("chown", "-R", SYSTEM_USER + ":" + SYSTEM_USER, HOME),
        List.of("ufw", "default", "deny", "incoming"),
        List.of("ufw", "allow", "22/tcp"),
        List.of("ufw", "allow", webUiPort + "/tcp"),
        List.of("ufw", "allow", listenPort + "/tcp"),
        List.of("ufw", "allow", listenPort + "/udp"),
        List.of("ufw", "--force", "enable"),
        List.of("systemctl", "daemon-reload"),
        List.of("systemctl", "enable", "--now", "qbittorrent-nox.service")));
    try {
      return "#cloud-config\n" + YAML.writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write cloud-init YAML", e);
    }
  }

  private static Map<String, Object> file(String path, String owner, String permissions, String content) {
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("path", path);
    file.put("owner", owner);
    file.put("permissions", permissions);
    file.put("defer", true);
    file.put("content", content);
    return file;
  }

  private String qbittorrentConf() {
    return String.join("\n",
        "[LegalNotice]",
        "Accepted=true",
        "",
        "[BitTorrent]",
        "Session\\Port=" + listenPort,
        "Session\\DefaultSavePath=" + DOWNLOADS,
        "",
        "[Preferences]",
        "Connection\\PortRangeMin=" + listenPort,
        "WebUI\\Enabled=true",
        "WebUI\\Port=" + webUiPort,
        "WebUI\\Username=" + webUiUsername,
        "WebUI\\Password_PBKDF2=\"" + webUiPasswordHash + "\"",
        "WebUI\\LocalHostAuth=true",
        "");
  }

  private String unit() {
    return String.join("\n",
        "[Unit]",
        "Description=qBittorrent-nox seedbox",
        "Wants=network-online.target",
        "After=network-online.target",
        "RequiresMountsFor=" + DOWNLOADS,
        "",
        "[Service]",
        "Type=simple",
        "User=" + SYSTEM_USER,
        "Group=" + SYSTEM_USER,
        "Environment=HOME=" + HOME,
        "ExecStart=/usr/bin/qbittorrent-nox --webui-port=" + webUiPort,
        "Restart=on-failure",
        "NoNewPrivileges=true",
        "ProtectSystem=full",
        "PrivateTmp=true",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "");
  }

  /**
   * Mounts the volume DigitalOcean ({@code scsi-0DO_Volume_*}) or Hetzner ({@code scsi-0HC_Volume_*}) attached at
   * create. It formats only a device without any filesystem, so an adopted volume keeps its downloads; without a
   * volume the downloads stay on the server's own disk.
   */
  private static String mountScript() {
    return String.join("\n",
        "#!/bin/sh",
        "set -eu",
        "label=" + VOLUME_LABEL,
        "dir=" + DOWNLOADS,
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
        "fi",
        "");
  }

  private static void requirePort(String name, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(name + " must be a TCP/UDP port (1-65535), found " + port);
    }
  }

  @Override
  public String toString() {
    return "QbittorrentCloudInit[webUiUsername=" + webUiUsername + ", webUiPasswordHash=<redacted>, webUiPort="
        + webUiPort + ", listenPort=" + listenPort + "]";
  }
}

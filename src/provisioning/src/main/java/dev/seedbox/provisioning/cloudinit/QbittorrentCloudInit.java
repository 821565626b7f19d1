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
 * configuration with the web UI password as a PBKDF2 hash (never the password), a systemd unit, and a firewall that
 * opens SSH, the web UI and the BitTorrent listen port only.
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
        file(UNIT_FILE, "root:root", "0644", unit())));
    doc.put("runcmd", List.of(
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

package dev.seedbox.provisioning.client;

import dev.seedbox.api.v1alpha1.TorrentClient;
import dev.seedbox.hostchannel.webui.LoginCheck;
import dev.seedbox.hostchannel.webui.QbittorrentWebUi;
import dev.seedbox.provisioning.cloudinit.QbittorrentCloudInit;
import dev.seedbox.provisioning.cloudinit.QbittorrentPassword;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;

/**
 * qBittorrent-nox: the web UI password is stored as its PBKDF2 hash in the client's configuration (written by
 * {@link QbittorrentCloudInit}), and a login is checked through the Web API ({@code POST /api/v2/auth/login}, which
 * answers {@code Ok.} for good credentials and {@code Fails.} for bad ones).
 */
public final class QbittorrentProfile implements TorrentClientProfile {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final int webUiPort;
  private final int listenPort;
  private final QbittorrentWebUi login;

  public QbittorrentProfile() {
    this(QbittorrentCloudInit.DEFAULT_WEB_UI_PORT, QbittorrentCloudInit.DEFAULT_LISTEN_PORT);
  }

  public QbittorrentProfile(int webUiPort, int listenPort) {
    this.webUiPort = webUiPort;
    this.listenPort = listenPort;
    this.login = new QbittorrentWebUi(
        HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build(), TIMEOUT);
  }

  @Override
  public TorrentClient kind() {
    return TorrentClient.QBITTORRENT;
  }

  @Override
  public String debianPackage() {
    return "qbittorrent-nox";
  }

  @Override
  public List<Port> ports() {
    return List.of(new Port(webUiPort, Protocol.TCP, "web UI"), new Port(listenPort, Protocol.TCP, "BitTorrent"),
        new Port(listenPort, Protocol.UDP, "BitTorrent"));
  }

  @Override
  public int webUiPort() {
    return webUiPort;
  }

  @Override
  public String storedPassword(String password) {
    return QbittorrentPassword.hash(password);
  }

  @Override
  public String userData(String username, String storedPassword) {
    return new QbittorrentCloudInit(username, storedPassword, webUiPort, listenPort).render();
  }

  @Override
  public LoginCheck checkLogin(URI webUi, String username, String password) {
    return login.login(webUi, username, password);
  }
}

package dev.seedbox.provisioning.client;

import dev.seedbox.api.v1alpha1.TorrentClient;
import dev.seedbox.hostchannel.webui.LoginCheck;
import dev.seedbox.hostchannel.webui.QbittorrentWebUi;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;

/**
 * qBittorrent-nox: the server stores the web UI password as the client's PBKDF2 hash in its configuration, and a
 * login is checked through the Web API ({@code POST /api/v2/auth/login}, which answers {@code Ok.} for good
 * credentials and {@code Fails.} for bad ones).
 */
public final class QbittorrentProfile implements TorrentClientProfile {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_WEB_UI_PORT = 8080;
  public static final int DEFAULT_LISTEN_PORT = 6881;

  private final int webUiPort;
  private final int listenPort;
  private final QbittorrentWebUi login;

  public QbittorrentProfile() {
    this(TorrentClientProfiles.webUiClient(TIMEOUT));
  }

  /** @param webUi how the operator reaches web UIs: it may route HTTPS hostnames and trust a private ACME root */
  public QbittorrentProfile(HttpClient webUi) {
    this(DEFAULT_WEB_UI_PORT, DEFAULT_LISTEN_PORT, webUi);
  }

  public QbittorrentProfile(int webUiPort, int listenPort, HttpClient webUi) {
    this.webUiPort = webUiPort;
    this.listenPort = listenPort;
    this.login = new QbittorrentWebUi(webUi, TIMEOUT);
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
  public LoginCheck checkLogin(URI webUi, String username, String password) {
    return login.login(webUi, username, password);
  }
}

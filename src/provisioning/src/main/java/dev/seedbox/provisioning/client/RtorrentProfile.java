package dev.seedbox.provisioning.client;

import dev.seedbox.api.v1alpha1.TorrentClient;
import dev.seedbox.hostchannel.webui.FloodWebUi;
import dev.seedbox.hostchannel.webui.LoginCheck;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;

/**
 * rTorrent with Flood as its web UI, two units of the slot. Flood rather than ruTorrent: ruTorrent is not packaged
 * for Debian 12 and needs PHP with a web server of its own, while Flood (one pinned version from the npm registry,
 * no dependencies) runs on Debian's {@code nodejs}, keeps its own users and talks to rTorrent over a Unix socket,
 * so rTorrent's SCGI is never on a network port. The server computes Flood's Argon2id hash
 * ({@code python3-argon2}); a login is checked through Flood's API, followed by a request Flood can only answer
 * through rTorrent.
 */
public final class RtorrentProfile implements TorrentClientProfile {

  public static final int DEFAULT_WEB_UI_PORT = 3000;
  public static final int DEFAULT_LISTEN_PORT = 6881;

  private final int webUiPort;
  private final int listenPort;
  private final FloodWebUi login;

  public RtorrentProfile() {
    this(TorrentClientProfiles.webUiClient(WebUiHttp.TIMEOUT));
  }

  /** @param webUi how the operator reaches web UIs: it may route HTTPS hostnames and trust a private ACME root */
  public RtorrentProfile(HttpClient webUi) {
    this(DEFAULT_WEB_UI_PORT, DEFAULT_LISTEN_PORT, webUi);
  }

  public RtorrentProfile(int webUiPort, int listenPort, HttpClient webUi) {
    this.webUiPort = webUiPort;
    this.listenPort = listenPort;
    this.login = new FloodWebUi(WebUiHttp.exchange(webUi));
  }

  @Override
  public TorrentClient kind() {
    return TorrentClient.RTORRENT;
  }

  @Override
  public String debianPackage() {
    return "rtorrent";
  }

  /** Flood itself comes from the npm registry when the client is installed; these are what it runs on. */
  @Override
  public List<String> debianPackages() {
    return List.of("rtorrent", "nodejs", "npm", "python3-argon2");
  }

  @Override
  public List<Port> ports() {
    return List.of(new Port(webUiPort, Protocol.TCP, "web UI (Flood)"), new Port(listenPort, Protocol.TCP,
        "BitTorrent"), new Port(listenPort, Protocol.UDP, "BitTorrent (DHT)"));
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

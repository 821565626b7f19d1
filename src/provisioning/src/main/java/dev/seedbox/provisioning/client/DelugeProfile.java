package dev.seedbox.provisioning.client;

import dev.seedbox.api.v1alpha1.TorrentClient;
import dev.seedbox.hostchannel.webui.DelugeWebUi;
import dev.seedbox.hostchannel.webui.LoginCheck;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;

/**
 * deluged with deluge-web, two units of the slot. The server computes the web UI's salted SHA-1 in
 * {@code web.conf} and the daemon's {@code auth} file (a secret only the web UI uses: the daemon answers on loopback
 * only, on a port the server picks); a login is checked through the web JSON-RPC {@code auth.login}, followed by the
 * web UI's connection to its daemon. Deluge's web UI has a password and no user name.
 */
public final class DelugeProfile implements TorrentClientProfile {

  public static final int DEFAULT_WEB_UI_PORT = 8112;
  public static final int DEFAULT_LISTEN_PORT = 6881;

  private final int webUiPort;
  private final int listenPort;
  private final DelugeWebUi login;

  public DelugeProfile() {
    this(TorrentClientProfiles.webUiClient(WebUiHttp.TIMEOUT));
  }

  /** @param webUi how the operator reaches web UIs: it may route HTTPS hostnames and trust a private ACME root */
  public DelugeProfile(HttpClient webUi) {
    this(DEFAULT_WEB_UI_PORT, DEFAULT_LISTEN_PORT, webUi);
  }

  public DelugeProfile(int webUiPort, int listenPort, HttpClient webUi) {
    this.webUiPort = webUiPort;
    this.listenPort = listenPort;
    this.login = new DelugeWebUi(WebUiHttp.exchange(webUi));
  }

  @Override
  public TorrentClient kind() {
    return TorrentClient.DELUGE;
  }

  @Override
  public String debianPackage() {
    return "deluged";
  }

  @Override
  public List<String> debianPackages() {
    return List.of("deluged", "deluge-web");
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

package dev.seedbox.provisioning.client;

import dev.seedbox.api.v1alpha1.TorrentClient;
import dev.seedbox.hostchannel.webui.LoginCheck;
import dev.seedbox.hostchannel.webui.TransmissionRpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;

/**
 * transmission-daemon: RPC and web UI in one process. The server writes the password into {@code settings.json} in
 * Transmission's own salted SHA-1 form while the daemon is stopped (the daemon writes the file back when it stops),
 * and a login is checked through the RPC: Basic authentication and the {@code X-Transmission-Session-Id} handshake,
 * 401 for bad credentials.
 */
public final class TransmissionProfile implements TorrentClientProfile {

  public static final int DEFAULT_WEB_UI_PORT = 9091;
  public static final int DEFAULT_LISTEN_PORT = 51413;

  private final int webUiPort;
  private final int listenPort;
  private final TransmissionRpc login;

  public TransmissionProfile() {
    this(TorrentClientProfiles.webUiClient(WebUiHttp.TIMEOUT));
  }

  /** @param webUi how the operator reaches web UIs: it may route HTTPS hostnames and trust a private ACME root */
  public TransmissionProfile(HttpClient webUi) {
    this(DEFAULT_WEB_UI_PORT, DEFAULT_LISTEN_PORT, webUi);
  }

  public TransmissionProfile(int webUiPort, int listenPort, HttpClient webUi) {
    this.webUiPort = webUiPort;
    this.listenPort = listenPort;
    this.login = new TransmissionRpc(WebUiHttp.exchange(webUi));
  }

  @Override
  public TorrentClient kind() {
    return TorrentClient.TRANSMISSION;
  }

  @Override
  public String debianPackage() {
    return "transmission-daemon";
  }

  @Override
  public List<Port> ports() {
    return List.of(new Port(webUiPort, Protocol.TCP, "web UI and RPC"), new Port(listenPort, Protocol.TCP,
        "BitTorrent"), new Port(listenPort, Protocol.UDP, "BitTorrent"));
  }

  @Override
  public int webUiPort() {
    return webUiPort;
  }

  /** The web UI lives under {@code /transmission/web/}; its RPC, where the login is checked, beside it. */
  @Override
  public String webUiPath() {
    return "/transmission/web/";
  }

  @Override
  public LoginCheck checkLogin(URI webUi, String username, String password) {
    return login.login(webUi, username, password);
  }
}

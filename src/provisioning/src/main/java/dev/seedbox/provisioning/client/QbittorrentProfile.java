package dev.seedbox.provisioning.client;

import dev.seedbox.api.v1alpha1.TorrentClient;
import dev.seedbox.provisioning.cloudinit.QbittorrentCloudInit;
import dev.seedbox.provisioning.cloudinit.QbittorrentPassword;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * qBittorrent-nox: the web UI password is stored as its PBKDF2 hash in the client's configuration (written by
 * {@link QbittorrentCloudInit}), and a login is checked through the Web API ({@code POST /api/v2/auth/login}, which
 * answers {@code Ok.} for good credentials and {@code Fails.} for bad ones).
 */
public final class QbittorrentProfile implements TorrentClientProfile {

  public static final String LOGIN_PATH = "/api/v2/auth/login";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final int webUiPort;
  private final int listenPort;
  private final HttpClient http;

  public QbittorrentProfile() {
    this(QbittorrentCloudInit.DEFAULT_WEB_UI_PORT, QbittorrentCloudInit.DEFAULT_LISTEN_PORT);
  }

  public QbittorrentProfile(int webUiPort, int listenPort) {
    this.webUiPort = webUiPort;
    this.listenPort = listenPort;
    this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
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
    String form = "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8) + "&password="
        + URLEncoder.encode(password, StandardCharsets.UTF_8);
    String origin = webUi.getScheme() + "://" + webUi.getAuthority();
    HttpRequest request = HttpRequest.newBuilder(URI.create(origin + LOGIN_PATH))
        .timeout(TIMEOUT)
        .header("Content-Type", "application/x-www-form-urlencoded")
        // the Web API refuses a login whose Referer/Origin does not match the host (its CSRF protection)
        .header("Referer", origin)
        .POST(HttpRequest.BodyPublishers.ofString(form))
        .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200 && response.body().strip().equals("Ok.")) {
        return LoginCheck.ACCEPTED;
      }
      if (response.statusCode() == 200 || response.statusCode() == 401 || response.statusCode() == 403) {
        return LoginCheck.REJECTED;
      }
      return LoginCheck.UNREACHABLE;
    } catch (IOException e) {
      return LoginCheck.UNREACHABLE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return LoginCheck.UNREACHABLE;
    }
  }
}

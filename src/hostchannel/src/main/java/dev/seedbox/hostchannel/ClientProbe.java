package dev.seedbox.hostchannel;

import dev.seedbox.hostchannel.webui.LoginCheck;
import dev.seedbox.hostchannel.webui.WebUiLogin;
import dev.seedbox.keys.key.SshKeyPair;
import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * The periodic check behind {@code Ready}: asks the server whether the client runs, then logs in to the web UI with
 * the current credentials as the customer would. It only observes; it never restarts or re-creates anything.
 */
public final class ClientProbe {

  public static final String HOST_UNREACHABLE = "HostUnreachable";
  public static final String HOST_KEY_MISMATCH = "HostKeyMismatch";
  public static final String HOST_ACCESS_REFUSED = "HostAccessRefused";
  public static final String CLIENT_NOT_INSTALLED = "ClientNotInstalled";
  public static final String CLIENT_NOT_RUNNING = "ClientNotRunning";
  public static final String WEB_UI_UNREACHABLE = "WebUiUnreachable";
  public static final String CREDENTIALS_REJECTED = "CredentialsRejected";

  private final HostChannel host;
  private final WebUiLogin webUi;

  public ClientProbe(HostChannel host, WebUiLogin webUi) {
    this.host = Objects.requireNonNull(host, "host");
    this.webUi = Objects.requireNonNull(webUi, "webUi");
  }

  public ProbeResult probe(HostTarget target, SshKeyPair key, Map<String, Object> slot, URI webUiUrl,
      String username, String password) {
    HostReply health = host.run(target, key, HostVerb.HEALTH, slot);
    if (!(health instanceof HostReply.Done done)) {
      return new ProbeResult.Unhealthy(reasonOf(health), health.message());
    }
    if (!done.body().path("installed").asBoolean(false)) {
      return new ProbeResult.Unhealthy(CLIENT_NOT_INSTALLED, "the server has no client installed for this seedbox");
    }
    if (!done.body().path("running").asBoolean(false)) {
      return new ProbeResult.Unhealthy(CLIENT_NOT_RUNNING, "the client is installed but not running");
    }
    LoginCheck login = webUi.login(webUiUrl, username, password);
    if (login instanceof LoginCheck.Rejected) {
      return new ProbeResult.Unhealthy(CREDENTIALS_REJECTED, login.message());
    }
    if (login instanceof LoginCheck.Unreachable) {
      return new ProbeResult.Unhealthy(WEB_UI_UNREACHABLE, login.message());
    }
    return new ProbeResult.Healthy();
  }

  /** The condition reason for a host command that was not done. */
  public static String reasonOf(HostReply reply) {
    if (reply instanceof HostReply.HostKeyMismatch) {
      return HOST_KEY_MISMATCH;
    }
    if (reply instanceof HostReply.AuthenticationRejected || reply instanceof HostReply.AddressRefused) {
      return HOST_ACCESS_REFUSED;
    }
    if (reply instanceof HostReply.Refused refused) {
      return refused.reason();
    }
    return HOST_UNREACHABLE;
  }
}

package dev.seedbox.operator.host;

import dev.seedbox.hostchannel.ClientProbe;
import dev.seedbox.hostchannel.HostReply;
import dev.seedbox.hostchannel.HostVerb;
import dev.seedbox.hostchannel.ProbeResult;
import dev.seedbox.hostchannel.credentials.CredentialRotation;
import dev.seedbox.hostchannel.credentials.CredentialStore;
import dev.seedbox.hostchannel.credentials.RotationOutcome;
import dev.seedbox.hostchannel.credentials.StoredCredentials;
import dev.seedbox.hostchannel.https.HttpsSite;
import java.time.Duration;

/**
 * Takes a new server from "the provider says it runs" to "the customer can log in": waits for its first boot to
 * finish (on a customer's own server: makes sure our host script is there), installs the client in its slot, puts
 * Caddy in front of it and waits for its certificate (with HTTPS on, the client answers on loopback only, so every
 * login from here on is the customer's, over HTTPS), sets the first web UI password two-phase (which starts the
 * client and proves the password by logging in), and otherwise checks the login with the current one. Every step
 * is the host script's idempotent verb, so a pass interrupted anywhere is simply run again.
 */
public final class HostPreparation {

  /** Condition reasons of a server that is not ready yet. */
  public static final String BOOTING = "ServerBooting";
  public static final String BOOT_FAILED = "BootFailed";
  public static final String INSTALLING = "ClientInstalling";
  public static final String HTTPS_CONFIGURING = "HttpsConfiguring";
  public static final String CERTIFICATE_PENDING = "CertificatePending";
  /** The host script's refusal to start a client that has no password of ours yet. */
  private static final String CREDENTIALS_NOT_SET = "CredentialsNotSet";

  /** What one pass came to. */
  public sealed interface Outcome {
    /** The customer can log in with the credentials of {@code rotation}. */
    record Prepared(long rotation) implements Outcome {
    }

    /**
     * Not yet; {@code reason} says at which step (a condition reason), {@code message} what the server answered.
     *
     * @param broken the server reported a failure of its own (cloud-init failed) rather than being on its way
     */
    record NotYet(String reason, String message, boolean broken) implements Outcome {
    }
  }

  private final Duration webUiStartup;

  /** @param webUiStartup how long a client may take to answer its web UI after it was started */
  public HostPreparation(Duration webUiStartup) {
    this.webUiStartup = webUiStartup;
  }

  public Duration webUiStartup() {
    return webUiStartup;
  }

  public Outcome prepare(ManagedServer server, CredentialStore store, long wantedRotation) {
    Outcome ready = server.customerServer() ? scriptInstalled(server) : booted(server);
    return ready != null ? ready : install(server, store, wantedRotation);
  }

  /** A customer's server has our host script of this version (the preflight installed it; an upgrade may not). */
  private static Outcome scriptInstalled(ManagedServer server) {
    HostReply script = server.ensureHostScript();
    if (!script.done()) {
      return new Outcome.NotYet(ClientProbe.reasonOf(script), "installing the host script: " + script.message(),
          false);
    }
    return null;
  }

  /** Null once the first boot of a server we created is done. */
  private static Outcome booted(ManagedServer server) {
    HostReply boot = server.run(HostVerb.BOOT_STATUS);
    if (!(boot instanceof HostReply.Done done)) {
      return new Outcome.NotYet(BOOTING, "the server does not answer the host channel yet: " + boot.message(),
          false);
    }
    String state = done.body().path("state").asText("unknown");
    String detail = done.body().path("detail").asText("");
    if ("error".equals(state)) {
      return new Outcome.NotYet(BOOT_FAILED, "the server's first boot failed" + (detail.isEmpty() ? ""
          : ": " + detail), true);
    }
    if (!"done".equals(state)) {
      return new Outcome.NotYet(BOOTING, "the server's first boot is " + state, false);
    }
    return null;
  }

  /** Null once Caddy serves the site with a certificate. */
  private static Outcome https(ManagedServer server) {
    HttpsSite site = server.https().orElseThrow();
    HostReply configured = server.configureHttps();
    if (!configured.done()) {
      return new Outcome.NotYet(HTTPS_CONFIGURING, "setting up HTTPS for " + site.hostname() + ": "
          + configured.message(), false);
    }
    HostReply status = server.httpsStatus();
    if (!(status instanceof HostReply.Done done)) {
      return new Outcome.NotYet(HTTPS_CONFIGURING, "reading the HTTPS status of " + site.hostname() + ": "
          + status.message(), false);
    }
    if (!done.body().path("certificate").asBoolean(false)) {
      return new Outcome.NotYet(CERTIFICATE_PENDING, "Caddy on the server is obtaining a certificate for "
          + site.hostname() + " from " + site.acmeDirectory() + "; the hostname must resolve to the server first"
          + (done.body().path("running").asBoolean(false) ? "" : " (Caddy is not running)"), false);
    }
    return null;
  }

  private Outcome install(ManagedServer server, CredentialStore store, long wantedRotation) {
    HostReply install = server.installClient();
    if (!install.done()) {
      return new Outcome.NotYet(INSTALLING, "installing the client: " + install.message(), false);
    }
    if (server.https().isPresent()) {
      Outcome https = https(server);
      if (https != null) {
        return https;
      }
    }
    CredentialRotation rotation = new CredentialRotation(server.channel(), server.login(), webUiStartup);
    RotationOutcome credentials = rotation.apply(server.target(), server.key(), server.slot(), server.webUiUrl(),
        store, wantedRotation);
    if (credentials instanceof RotationOutcome.Failed failed) {
      return new Outcome.NotYet(failed.reason(), failed.message(), false);
    }
    if (credentials instanceof RotationOutcome.Promoted promoted) {
      // the rotation logged in with the new password just now
      return new Outcome.Prepared(promoted.rotation());
    }
    // credentials were set by an earlier pass: the client must run and take them
    StoredCredentials stored = store.read();
    HostReply start = server.run(HostVerb.START);
    if (start instanceof HostReply.Refused refused && CREDENTIALS_NOT_SET.equals(refused.reason())) {
      // the Secret was made ahead with a password of the customer's choosing: a new server has never seen it
      HostReply set = server.setCredentials(stored.username(), stored.current().orElseThrow());
      if (!set.done()) {
        return new Outcome.NotYet(CredentialRotation.FAILED, "the server did not take the web UI password: "
            + set.message(), false);
      }
      start = server.run(HostVerb.START);
    }
    if (!start.done()) {
      return new Outcome.NotYet(ClientProbe.CLIENT_NOT_RUNNING, "starting the client: " + start.message(), false);
    }
    ProbeResult probe = new ClientProbe(server.channel(), server.login()).probe(server.target(), server.key(),
        server.slot(), server.webUiUrl(), stored.username(), stored.current().orElseThrow());
    if (probe instanceof ProbeResult.Unhealthy unhealthy) {
      return new Outcome.NotYet(unhealthy.reason(), unhealthy.message(), false);
    }
    return new Outcome.Prepared(((RotationOutcome.Current) credentials).rotation());
  }
}

package dev.seedbox.hostchannel.credentials;

import dev.seedbox.hostchannel.HostChannel;
import dev.seedbox.hostchannel.HostReply;
import dev.seedbox.hostchannel.HostTarget;
import dev.seedbox.hostchannel.HostVerb;
import dev.seedbox.hostchannel.webui.LoginCheck;
import dev.seedbox.hostchannel.webui.WebUiLogin;
import dev.seedbox.keys.key.SshKeyPair;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Two-phase web UI credentials: a new password is staged in the store as pending, set on the server (which computes
 * the client's own hash: the control plane computes none), verified by logging in as the customer, and only then
 * promoted to current. When the server or the login refuses it, the previous password is set back on the server and
 * stays current, so the store never names a current password the server refuses.
 *
 * <p>Every phase is written before the next starts and every host command is idempotent, so a step interrupted at
 * any point (an operator restart) completes the same rotation once on the next call, with the same pending password.
 */
public final class CredentialRotation {

  public static final String FAILED = "CredentialsRotationFailed";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration POLL = Duration.ofMillis(500);

  private final HostChannel host;
  private final WebUiLogin webUi;
  private final Duration startup;

  /**
   * @param startup how long the web UI may take to answer again after the server restarted the client to apply the
   *     password; a login check that finds nothing listening is repeated until then
   */
  public CredentialRotation(HostChannel host, WebUiLogin webUi, Duration startup) {
    this.host = Objects.requireNonNull(host, "host");
    this.webUi = Objects.requireNonNull(webUi, "webUi");
    this.startup = Objects.requireNonNull(startup, "startup");
  }

  /**
   * Brings the server's credentials to rotation {@code wanted}. The first password of a new slot is set before its
   * client first starts, and this step starts it; later rotations need the client running (a suspended seedbox's
   * rotation waits for its resume), since only a login proves the server took the password.
   *
   * @param slot the host script's slot arguments ({@code slot}, {@code client})
   * @param webUiUrl where the customer logs in
   */
  public RotationOutcome apply(HostTarget target, SshKeyPair key, Map<String, Object> slot, URI webUiUrl,
      CredentialStore store, long wanted) {
    StoredCredentials stored = store.read();
    if (stored.current().isPresent() && stored.rotation() >= wanted && stored.pending().isEmpty()) {
      return new RotationOutcome.Current(stored.rotation());
    }
    if (stored.pending().isEmpty() || stored.pendingRotation() != wanted) {
      store.stage(newPassword(), wanted);
      stored = store.read();
    }
    String pending = stored.pending().orElseThrow(() -> new IllegalStateException(
        "the credential store did not keep the staged password"));

    HostReply set = host.run(target, key, HostVerb.SET_CREDENTIALS, credentials(slot, stored.username(), pending));
    if (!set.done()) {
      return restore(target, key, slot, stored, "the server did not take the new web UI password: "
          + set.message());
    }
    if (stored.current().isEmpty()) {
      // the client of a new server waits for its first password before it may start (never on its defaults)
      HostReply started = host.run(target, key, HostVerb.START, slot);
      if (!started.done()) {
        return new RotationOutcome.Failed(FAILED, "the client did not start with its first web UI password: "
            + started.message());
      }
    }
    LoginCheck login = login(webUiUrl, stored.username(), pending);
    if (!(login instanceof LoginCheck.Accepted)) {
      return restore(target, key, slot, stored, "the login check with the new web UI password failed: "
          + login.message());
    }
    store.promote();
    return new RotationOutcome.Promoted(wanted);
  }

  private LoginCheck login(URI webUiUrl, String username, String password) {
    Instant deadline = Instant.now().plus(startup);
    LoginCheck login = webUi.login(webUiUrl, username, password);
    while (login instanceof LoginCheck.Unreachable && Instant.now().isBefore(deadline)) {
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return login;
      }
      login = webUi.login(webUiUrl, username, password);
    }
    return login;
  }

  /** Puts the current password back on the server, where there is one; the pending one is kept for the retry. */
  private RotationOutcome restore(HostTarget target, SshKeyPair key, Map<String, Object> slot,
      StoredCredentials stored, String why) {
    Optional<String> current = stored.current();
    if (current.isEmpty()) {
      return new RotationOutcome.Failed(FAILED, why);
    }
    HostReply back = host.run(target, key, HostVerb.SET_CREDENTIALS, credentials(slot, stored.username(),
        current.get()));
    if (!back.done()) {
      return new RotationOutcome.Failed(FAILED, why + "; restoring the previous password failed too: "
          + back.message());
    }
    return new RotationOutcome.Failed(FAILED, why + "; the previous password was restored and stays current");
  }

  private static Map<String, Object> credentials(Map<String, Object> slot, String username, String password) {
    Map<String, Object> args = new HashMap<>(slot);
    args.put("username", username);
    args.put("password", password);
    return args;
  }

  /** 24 characters from 18 random bytes (144 bits), URL-safe so it survives every form and shell. */
  static String newPassword() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}

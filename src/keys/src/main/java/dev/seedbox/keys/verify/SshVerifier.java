package dev.seedbox.keys.verify;

import dev.seedbox.keys.key.SshKeyPair;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves that a customer authorised our key: a real SSH handshake (key exchange and public-key authentication, no
 * command) with the stored private key.
 *
 * <p>The host is resolved once, every resolved address is checked against the {@link AddressPolicy}, and the client
 * connects to a checked address rather than the name, so a DNS answer that changes between check and connect (DNS
 * rebinding) cannot steer us into the cluster. With a pinned host key, any other host key ends the handshake before
 * our key is offered.
 */
public final class SshVerifier {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_AUTH_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(SshVerifier.class);

  private final AddressPolicy policy;
  private final HostResolver resolver;
  private final Duration connectTimeout;
  private final Duration authTimeout;

  public SshVerifier(AddressPolicy policy) {
    this(policy, HostResolver.SYSTEM, DEFAULT_CONNECT_TIMEOUT, DEFAULT_AUTH_TIMEOUT);
  }

  public SshVerifier(AddressPolicy policy, HostResolver resolver, Duration connectTimeout, Duration authTimeout) {
    this.policy = policy;
    this.resolver = resolver;
    this.connectTimeout = positive(connectTimeout, "connect timeout");
    this.authTimeout = positive(authTimeout, "auth timeout");
  }

  /**
   * Connects to {@code target} with {@code key}.
   *
   * @param pinnedFingerprint the host key the server must present ({@code SHA256:…}), or null to accept any and
   *     report it for pinning
   */
  public VerificationResult verify(SshTarget target, SshKeyPair key, String pinnedFingerprint) {
    AddressCheck check = AddressCheck.of(policy, resolver, target.host());
    if (check instanceof AddressCheck.Unresolvable unresolvable) {
      return log(target, new VerificationResult.Unreachable(unresolvable.message()));
    }
    if (check instanceof AddressCheck.Refused refused) {
      return log(target, new VerificationResult.AddressRefused(refused.message()));
    }
    List<InetAddress> addresses = ((AddressCheck.Allowed) check).addresses();
    KeyPair identity = SshSessions.identity(key.privateKey());
    VerificationResult result = null;
    for (InetAddress address : addresses) {
      result = handshake(target, address, identity, key.publicKey().fingerprint(), pinnedFingerprint);
      if (!(result instanceof VerificationResult.Unreachable)) {
        break;
      }
    }
    return log(target, result);
  }

  private VerificationResult handshake(SshTarget target, InetAddress address, KeyPair identity,
      String keyFingerprint, String pinned) {
    String where = address.getHostAddress() + " port " + target.port();
    AtomicReference<String> presented = new AtomicReference<>();
    SshClient client = SshSessions.client((session, remote, serverKey) -> {
      String found = SshSessions.fingerprint(serverKey);
      presented.set(found);
      return pinned == null || pinned.equals(found);
    });
    client.start();
    try {
      ConnectFuture connect = client.connect(target.user(), new InetSocketAddress(address, target.port()));
      if (!connect.await(connectTimeout)) {
        connect.cancel();
        return new VerificationResult.Unreachable("timed out after " + connectTimeout + " connecting to " + where);
      }
      if (!connect.isConnected()) {
        return new VerificationResult.Unreachable("could not connect to " + where + ": " + SshSessions.describe(
            connect.getException()));
      }
      try (ClientSession session = connect.getSession()) {
        session.addPublicKeyIdentity(identity);
        AuthFuture auth = session.auth();
        if (!auth.await(authTimeout)) {
          return mismatch(pinned, presented.get()).orElseGet(() -> new VerificationResult.Unreachable(
              "timed out after " + authTimeout + " in the SSH handshake with " + where));
        }
        if (auth.isSuccess()) {
          return new VerificationResult.Connected(presented.get());
        }
        Optional<VerificationResult> mismatch = mismatch(pinned, presented.get());
        if (mismatch.isPresent()) {
          return mismatch.get();
        }
        if (presented.get() != null && session.isOpen()) {
          return new VerificationResult.AuthenticationRejected(target.user(), keyFingerprint, presented.get());
        }
        return new VerificationResult.Unreachable("SSH handshake with " + where + " failed: "
            + SshSessions.describe(auth.getException()));
      }
    } catch (IOException e) {
      return mismatch(pinned, presented.get()).orElseGet(() -> new VerificationResult.Unreachable(
          "SSH handshake with " + where + " failed: " + SshSessions.describe(e)));
    } finally {
      client.stop();
    }
  }

  private static Optional<VerificationResult> mismatch(String pinned, String found) {
    if (pinned != null && found != null && !pinned.equals(found)) {
      return Optional.of(new VerificationResult.HostKeyMismatch(pinned, found));
    }
    return Optional.empty();
  }

  private static VerificationResult log(SshTarget target, VerificationResult result) {
    if (result instanceof VerificationResult.Connected) {
      LOG.info("ssh {}: {}", target, result.message());
    } else {
      LOG.warn("ssh {}: {}", target, result.message());
    }
    return result;
  }

  private static Duration positive(Duration duration, String what) {
    if (duration == null || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("expected a positive " + what + ", found " + duration);
    }
    return duration;
  }
}

package dev.seedbox.keys.verify;

import dev.seedbox.keys.key.KeyFormatException;
import dev.seedbox.keys.key.OpenSshPublicKey;
import dev.seedbox.keys.key.PrivateKeyMaterial;
import dev.seedbox.keys.key.SshKeyPair;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
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
    List<InetAddress> addresses;
    try {
      addresses = resolver.resolve(target.host());
    } catch (UnknownHostException e) {
      return log(target, new VerificationResult.Unreachable("cannot resolve host '" + target.host() + "'"));
    }
    if (addresses.isEmpty()) {
      return log(target, new VerificationResult.Unreachable("host '" + target.host() + "' resolves to no address"));
    }
    // every answer is checked: a name that resolves to one public and one internal address is refused as a whole
    for (InetAddress address : addresses) {
      Optional<String> refusal = policy.refusal(address);
      if (refusal.isPresent()) {
        return log(target, new VerificationResult.AddressRefused("refusing host '" + target.host()
            + "': " + refusal.get()));
      }
    }
    KeyPair identity = identity(key.privateKey());
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
    SshClient client = SshClient.setUpDefaultClient();
    // nothing from ~/.ssh (keys, config, known_hosts) may take part: only the stored key and our pin decide
    client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
    client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
    client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
    client.setServerKeyVerifier((session, remote, serverKey) -> {
      String found = fingerprint(serverKey);
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
        return new VerificationResult.Unreachable("could not connect to " + where + ": " + describe(
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
            + describe(auth.getException()));
      }
    } catch (IOException e) {
      return mismatch(pinned, presented.get()).orElseGet(() -> new VerificationResult.Unreachable(
          "SSH handshake with " + where + " failed: " + describe(e)));
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

  /** {@code SHA256:…} of a host key, computed from its SSH wire blob like {@code ssh-keygen -lf}. */
  public static String fingerprint(PublicKey key) {
    String entry = PublicKeyEntry.toString(key);
    String[] parts = entry.split(" ");
    return OpenSshPublicKey.fingerprintOf(Base64.getDecoder().decode(parts[1]));
  }

  private static KeyPair identity(PrivateKeyMaterial material) {
    try {
      Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName("byos-key"),
          new ByteArrayInputStream(material.openSshBytes()), null);
      Iterator<KeyPair> iterator = pairs == null ? null : pairs.iterator();
      if (iterator == null || !iterator.hasNext()) {
        throw new KeyFormatException("expected one key in the stored OpenSSH private key, found none");
      }
      return iterator.next();
    } catch (IOException | GeneralSecurityException e) {
      // the parser's message is not passed on: it is about bytes we must not describe
      throw new KeyFormatException("expected a readable OpenSSH private key in the store, found one SSHD cannot load ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  private static String describe(Throwable e) {
    if (e == null) {
      return "no reason given";
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
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

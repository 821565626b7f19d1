package dev.seedbox.keys.testing;

import dev.seedbox.keys.verify.SshSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;
import org.apache.sshd.server.session.ServerSession;

/**
 * A real SSH server (Apache MINA SSHD) on 127.0.0.1 and an ephemeral port, for tests of BYOS verification. Its host
 * key is generated at run time and can be replaced (a reinstalled server); it accepts public-key authentication only,
 * and only for keys authorised per user, either directly or through an authorized_keys file (such as one written by
 * the onboarding command in a temporary HOME).
 */
public final class InProcessSshServer implements AutoCloseable {

  /** A login attempt as the server saw it: who, with which key, and whether it was let in. */
  public record Attempt(String user, String keyFingerprint, boolean accepted) {
  }

  private final SshServer server;
  private final AtomicReference<KeyPair> hostKey = new AtomicReference<>();
  private final Map<String, Set<String>> authorizedLines = new ConcurrentHashMap<>();
  private final Map<String, Path> authorizedKeysFiles = new ConcurrentHashMap<>();
  private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
  private final AtomicInteger connectionsToDrop = new AtomicInteger();

  private InProcessSshServer() {
    hostKey.set(newHostKey());
    server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(new KeyPairProvider() {
      @Override
      public Iterable<KeyPair> loadKeys(SessionContext session) {
        return List.of(hostKey.get());
      }
    });
    server.setPasswordAuthenticator(null);
    server.setKeyboardInteractiveAuthenticator(null);
    server.setGSSAuthenticator(null);
    server.setHostBasedAuthenticator(null);
    server.setPublickeyAuthenticator(this::authenticate);
    server.addSessionListener(new SessionListener() {
      @Override
      public void sessionCreated(Session session) {
        if (connectionsToDrop.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          session.close(true);
        }
      }
    });
  }

  public static InProcessSshServer start() {
    InProcessSshServer fixture = new InProcessSshServer();
    try {
      fixture.server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return fixture;
  }

  public String host() {
    return "127.0.0.1";
  }

  public int port() {
    return server.getPort();
  }

  /** Lets {@code user} in with the key of this authorized_keys line. */
  public void authorize(String user, String authorizedKeysLine) {
    authorizedLines.computeIfAbsent(user, u -> ConcurrentHashMap.newKeySet()).add(authorizedKeysLine.strip());
  }

  /** Takes a key away from {@code user} (the customer removed the line). */
  public void deauthorize(String user, String authorizedKeysLine) {
    authorizedLines.getOrDefault(user, Set.of()).remove(authorizedKeysLine.strip());
  }

  /** Lets {@code user} in with any key in this authorized_keys file, read at each login as sshd would. */
  public void authorizeFrom(String user, Path authorizedKeysFile) {
    authorizedKeysFiles.put(user, authorizedKeysFile);
  }

  /** The next {@code count} connections are dropped before the handshake finishes, as a flaky network would. */
  public void dropNextConnections(int count) {
    connectionsToDrop.set(count);
  }

  /** Whether connections are still to be dropped. */
  public boolean dropping() {
    return connectionsToDrop.get() > 0;
  }

  /** {@code SHA256:…} of the current host key. */
  public String hostKeyFingerprint() {
    return SshSessions.fingerprint(hostKey.get().getPublic());
  }

  /** The host key as an OpenSSH public key line, e.g. to check its fingerprint with ssh-keygen. */
  public String hostKeyLine() {
    return PublicKeyEntry.toString(hostKey.get().getPublic());
  }

  /** Replaces the host key, as reinstalling the server (or an impostor) would. */
  public void replaceHostKey() {
    hostKey.set(newHostKey());
  }

  public List<Attempt> attempts() {
    return List.copyOf(attempts);
  }

  private boolean authenticate(String user, PublicKey key, ServerSession session) {
    boolean accepted = authorizedLines.getOrDefault(user, Set.of()).stream().anyMatch(line -> matches(line, key));
    Path file = authorizedKeysFiles.get(user);
    if (!accepted && file != null) {
      accepted = new AuthorizedKeysAuthenticator(file).authenticate(user, key, session);
    }
    attempts.add(new Attempt(user, SshSessions.fingerprint(key), accepted));
    return accepted;
  }

  private static boolean matches(String line, PublicKey key) {
    try {
      PublicKey authorized = AuthorizedKeyEntry.parseAuthorizedKeyEntry(line)
          .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
      return KeyUtils.compareKeys(authorized, key);
    } catch (IOException | GeneralSecurityException e) {
      return false;
    }
  }


  private static KeyPair newHostKey() {
    try {
      return KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an Ed25519 host key", e);
    }
  }

  @Override
  public void close() {
    try {
      server.stop(true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    List<String> users = new ArrayList<>(authorizedLines.keySet());
    return "InProcessSshServer[" + host() + ":" + port() + ", users=" + users + "]";
  }
}

package dev.seedbox.devstack;

import dev.seedbox.hostchannel.inmemory.InMemoryHost;
import dev.seedbox.keys.key.OpenSshPublicKey;
import dev.seedbox.keys.verify.SshSessions;
import dev.seedbox.keys.verify.HostResolver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;

/**
 * The sample customer's own server ({@code examples/byos-connection.yaml}: {@value #HOST}, port {@value #PORT}) as
 * the dev stack stands it up: a real SSH server on loopback that the ByosConnection verifies against (the name
 * resolves to 127.0.0.1 for the operator, which may connect there), and a server of that name on the in-memory host
 * where its seedboxes are managed. {@link #runOnboardingCommand} is the customer pasting the command.
 */
final class Homelab implements AutoCloseable {

  static final String HOST = "homelab.acme-media.example";
  static final int PORT = 2222;
  static final String ALLOWED_ADDRESSES = "127.0.0.1/32";

  private final SshServer server;
  private final InMemoryHost host;
  private final Set<String> authorized = ConcurrentHashMap.newKeySet();

  private Homelab(InMemoryHost host) {
    this.host = host;
    KeyPair hostKey = newHostKey();
    server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(PORT);
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
    server.setPasswordAuthenticator(null);
    server.setKeyboardInteractiveAuthenticator(null);
    server.setGSSAuthenticator(null);
    server.setHostBasedAuthenticator(null);
    server.setPublickeyAuthenticator((user, key, session) -> authorized.contains(SshSessions.fingerprint(key)));
    host.addCustomerServer(HOST, SshSessions.fingerprint(hostKey.getPublic()));
  }

  /** Listens on 127.0.0.1:{@value #PORT}; a clear error when something else holds that port. */
  static Homelab start(InMemoryHost host) {
    Homelab homelab = new Homelab(host);
    try {
      homelab.server.start();
    } catch (IOException e) {
      throw new IllegalStateException("the dev stack's stand-in for the sample customer's server needs 127.0.0.1:"
          + PORT + " (examples/byos-connection.yaml names that port), which is in use: " + e.getMessage(), e);
    }
    return homelab;
  }

  /** {@value #HOST} is this machine; every other name resolves as usual. */
  HostResolver resolver() {
    return name -> HOST.equals(name) ? List.of(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))
        : HostResolver.SYSTEM.resolve(name);
  }

  /** What the onboarding command does on the server: our key, as the status shows it, may log in from now on. */
  void runOnboardingCommand(String publicKeyLine) {
    String fingerprint = OpenSshPublicKey.parse(publicKeyLine).fingerprint();
    authorized.add(fingerprint);
    host.authorize(HOST, fingerprint);
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
}

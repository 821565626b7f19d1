package dev.seedbox.keys.verify;

import dev.seedbox.keys.key.KeyFormatException;
import dev.seedbox.keys.key.OpenSshPublicKey;
import dev.seedbox.keys.key.PrivateKeyMaterial;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

/** What every SSH client of ours shares: how it is set up, how a stored key is loaded, how a host key is named. */
public final class SshSessions {

  private SshSessions() {
  }

  /**
   * A client that only a stored key and our host-key decision take part in: nothing from {@code ~/.ssh} (keys,
   * config, known_hosts), public-key authentication only. The verifier runs during key exchange, before any key of
   * ours is offered.
   */
  public static SshClient client(ServerKeyVerifier hostKeys) {
    SshClient client = SshClient.setUpDefaultClient();
    client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
    client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
    client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
    client.setServerKeyVerifier(hostKeys);
    return client;
  }

  /** {@code SHA256:…} of a host key, computed from its SSH wire blob like {@code ssh-keygen -lf}. */
  public static String fingerprint(PublicKey key) {
    String entry = PublicKeyEntry.toString(key);
    String[] parts = entry.split(" ");
    return OpenSshPublicKey.fingerprintOf(Base64.getDecoder().decode(parts[1]));
  }

  public static KeyPair identity(PrivateKeyMaterial material) {
    try {
      Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName("seedbox-key"),
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

  /** The innermost cause's message, for a condition or a log line. */
  public static String describe(Throwable e) {
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
}

package dev.seedbox.hostchannel.https;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The certificate authorities a web UI's certificate must chain to: the JVM's own (public CAs such as Let's
 * Encrypt) or given PEM roots, for a private ACME server.
 */
public final class TrustRoots {

  private TrustRoots() {
  }

  public static SSLContext system() {
    try {
      return SSLContext.getDefault();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no default TLS context", e);
    }
  }

  public static SSLContext fromPem(String pem) {
    try {
      Collection<? extends Certificate> roots = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      if (roots.isEmpty()) {
        throw new IllegalArgumentException("expected PEM certificates, found none");
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate root : roots) {
        store.setCertificateEntry("root-" + i++, root);
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (java.io.IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("could not read the trust roots: " + e.getClass().getSimpleName(), e);
    }
  }
}

package dev.seedbox.hostchannel.https;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

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

  /** Only the given PEM roots: what a test that issued its own certificates trusts. */
  public static SSLContext fromPem(String pem) {
    try {
      return context(parse(pem));
    } catch (java.io.IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("could not read the trust roots: " + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * The JVM's roots and the given PEM roots too: an operator whose ACME server is private (a company CA) still
   * checks the web UIs of every other issuer.
   */
  public static SSLContext systemAnd(String pem) {
    try {
      TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      system.init((KeyStore) null);
      List<Certificate> roots = new ArrayList<>();
      for (TrustManager manager : system.getTrustManagers()) {
        if (manager instanceof X509TrustManager x509) {
          roots.addAll(List.of(x509.getAcceptedIssuers()));
        }
      }
      roots.addAll(parse(pem));
      return context(roots);
    } catch (java.io.IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("could not read the trust roots: " + e.getClass().getSimpleName(), e);
    }
  }

  private static Collection<? extends Certificate> parse(String pem) throws GeneralSecurityException {
    Collection<? extends Certificate> roots = CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("expected PEM certificates, found none");
    }
    return roots;
  }

  private static SSLContext context(Collection<? extends Certificate> roots)
      throws java.io.IOException, GeneralSecurityException {
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
  }
}

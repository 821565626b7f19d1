package dev.seedbox.hostchannel.https;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Connects to a web UI's HTTPS port as a browser would: the hostname as SNI and as the name the certificate must
 * carry, the chain checked against the trust roots. The address is given apart from the hostname so that the
 * check does not depend on DNS having caught up with a new server.
 */
public final class TlsCertificateCheck implements CertificateCheck {

  private final SSLContext trust;
  private final Duration timeout;

  public TlsCertificateCheck(SSLContext trust, Duration timeout) {
    this.trust = Objects.requireNonNull(trust, "trust");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  @Override
  public CertificateState check(String address, int port, String hostname) {
    int millis = Math.toIntExact(timeout.toMillis());
    try (Socket plain = new Socket()) {
      try {
        plain.connect(new InetSocketAddress(address, port), millis);
      } catch (IOException e) {
        return new CertificateState.Unreachable("nothing answered on " + address + " port " + port + ": "
            + e.getClass().getSimpleName());
      }
      plain.setSoTimeout(millis);
      try (SSLSocket tls = (SSLSocket) trust.getSocketFactory().createSocket(plain, hostname, port, false)) {
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
        tls.startHandshake();
        X509Certificate leaf = (X509Certificate) tls.getSession().getPeerCertificates()[0];
        return new CertificateState.Valid(leaf.getNotAfter().toInstant(), leaf.getIssuerX500Principal().getName());
      } catch (SSLException e) {
        return new CertificateState.Invalid("the certificate " + address + " presented for " + hostname
            + " was not accepted: " + e.getMessage());
      }
    } catch (IOException e) {
      return new CertificateState.Unreachable("the TLS handshake with " + address + " port " + port
          + " did not finish: " + e.getClass().getSimpleName());
    }
  }
}

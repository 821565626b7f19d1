package dev.seedbox.hostchannel.https;

/**
 * Looks at the certificate a web UI presents for its hostname at a server's address: over TLS as a browser would
 * ({@link TlsCertificateCheck}), or on the in-memory host, whose sites have certificates without any TLS.
 */
@FunctionalInterface
public interface CertificateCheck {

  CertificateState check(String address, int port, String hostname);
}

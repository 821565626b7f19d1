package dev.seedbox.hostchannel.https;

import java.time.Instant;

/** What a web UI's certificate looked like from the outside. */
public sealed interface CertificateState {

  String message();

  /** The server presented a certificate for the hostname that chains to the trust roots. */
  record Valid(Instant notAfter, String issuer) implements CertificateState {
    @Override
    public String message() {
      return "the certificate from " + issuer + " is valid until " + notAfter;
    }
  }

  /** The TLS handshake failed: no certificate yet, another name, an unknown issuer, or an expired one. */
  record Invalid(String message) implements CertificateState {
  }

  /** Nothing answered on the HTTPS port. */
  record Unreachable(String message) implements CertificateState {
  }
}

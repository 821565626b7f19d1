package dev.seedbox.hostchannel.https;

import dev.seedbox.hostchannel.ProbeResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The certificate half of the health probe: a web UI whose certificate lapses within the threshold is reported
 * well before customers' browsers refuse it, so someone can look at why Caddy has not renewed it.
 */
public final class CertificateProbe {

  public static final String CERTIFICATE_EXPIRING = "CertificateExpiring";
  public static final String CERTIFICATE_INVALID = "CertificateInvalid";
  public static final String HTTPS_UNREACHABLE = "HttpsUnreachable";
  public static final Duration DEFAULT_THRESHOLD = Duration.ofDays(14);

  private final CertificateCheck check;
  private final Duration threshold;
  private final Clock clock;

  public CertificateProbe(CertificateCheck check, Duration threshold, Clock clock) {
    this.check = Objects.requireNonNull(check, "check");
    this.threshold = Objects.requireNonNull(threshold, "threshold");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (threshold.isNegative()) {
      throw new IllegalArgumentException("expected a threshold of zero or more, found " + threshold);
    }
  }

  /**
   * How the certificate looks against the threshold.
   *
   * @param valid it chains to the trust roots, names the host and lapses after the threshold
   * @param reason {@code CertificateValid} or one of this class's reasons
   */
  public record Verdict(boolean valid, String reason, String message) {
  }

  public static final String CERTIFICATE_VALID = "CertificateValid";

  public ProbeResult probe(String address, String hostname) {
    Verdict verdict = assess(address, hostname);
    return verdict.valid() ? new ProbeResult.Healthy() : new ProbeResult.Unhealthy(verdict.reason(),
        verdict.message());
  }

  public Verdict assess(String address, String hostname) {
    CertificateState state = check.check(address, 443, hostname);
    if (state instanceof CertificateState.Unreachable) {
      return new Verdict(false, HTTPS_UNREACHABLE, state.message());
    }
    if (!(state instanceof CertificateState.Valid valid)) {
      return new Verdict(false, CERTIFICATE_INVALID, state.message());
    }
    Instant now = clock.instant();
    if (valid.notAfter().isBefore(now.plus(threshold))) {
      Duration left = Duration.between(now, valid.notAfter());
      return new Verdict(false, CERTIFICATE_EXPIRING, "the certificate for " + hostname + " expires at "
          + valid.notAfter() + ", in " + left.toHours() + " hours, within the " + threshold.toDays()
          + "-day threshold; it has not been renewed");
    }
    return new Verdict(true, CERTIFICATE_VALID, "the certificate for " + hostname + " from " + valid.issuer()
        + " is valid until " + valid.notAfter());
  }
}

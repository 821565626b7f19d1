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

  public ProbeResult probe(String address, String hostname) {
    CertificateState state = check.check(address, 443, hostname);
    if (state instanceof CertificateState.Unreachable) {
      return new ProbeResult.Unhealthy(HTTPS_UNREACHABLE, state.message());
    }
    if (!(state instanceof CertificateState.Valid valid)) {
      return new ProbeResult.Unhealthy(CERTIFICATE_INVALID, state.message());
    }
    Instant now = clock.instant();
    if (valid.notAfter().isBefore(now.plus(threshold))) {
      Duration left = Duration.between(now, valid.notAfter());
      return new ProbeResult.Unhealthy(CERTIFICATE_EXPIRING, "the certificate for " + hostname + " expires at "
          + valid.notAfter() + ", in " + left.toHours() + " hours, within the " + threshold.toDays()
          + "-day threshold; it has not been renewed");
    }
    return new ProbeResult.Healthy();
  }
}

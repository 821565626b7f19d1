package dev.seedbox.billing.ledger;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * A webhook body's {@code amount_usd}, which we never credit from: only plain decimals of sane size are read at all
 * ({@code "1e2147483647"} or a 60 kB digit string is "not reported", never an error), so no value of it can block a
 * credit.
 */
final class ReportedAmount {

  // up to a billion dollars with up to eight decimals: nothing an exponent or a length can blow up
  private static final Pattern PLAIN = Pattern.compile("[0-9]{1,10}(\\.[0-9]{1,8})?");
  private static final int SHOWN = 40;

  private final String raw;
  private final BigDecimal cents;

  private ReportedAmount(String raw, BigDecimal cents) {
    this.raw = raw;
    this.cents = cents;
  }

  static ReportedAmount of(String raw) {
    String text = raw == null ? "" : raw;
    BigDecimal cents = PLAIN.matcher(text).matches() ? new BigDecimal(text).movePointRight(2) : null;
    return new ReportedAmount(text, cents);
  }

  /** True when nothing was reported, or exactly our amount. */
  boolean matches(long ourCents) {
    return raw.isEmpty() || (cents != null && cents.compareTo(BigDecimal.valueOf(ourCents)) == 0);
  }

  /** True only for a readable amount below ours by more than {@code tolerancePercent} % of ours. */
  boolean shortOf(long ourCents, int tolerancePercent) {
    if (cents == null) {
      return false;
    }
    BigDecimal floor = BigDecimal.valueOf(ourCents).multiply(BigDecimal.valueOf(100 - tolerancePercent))
        .movePointLeft(2);
    return cents.compareTo(floor) < 0;
  }

  /** For audit details and logs: clipped, since it is whatever the body held. */
  String shown() {
    return raw.length() > SHOWN ? raw.substring(0, SHOWN) + "..." : raw;
  }
}

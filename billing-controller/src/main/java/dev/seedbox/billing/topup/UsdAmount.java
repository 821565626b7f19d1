package dev.seedbox.billing.topup;

import dev.seedbox.billing.InvalidFieldException;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/** A positive US dollar amount in cents, parsed exactly from a decimal string such as "25" or "25.50". */
public record UsdAmount(long cents) {

  /** $10,000.00: above this a top-up is a mistake or an attack, and goes through an operator instead. */
  public static final long MAX_CENTS = 1_000_000L;

  // Plain digits with at most two decimals: no sign, exponent, spaces, or leading dot; BigDecimal alone accepts those.
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,9}(\\.[0-9]{1,2})?");

  public UsdAmount {
    if (cents <= 0 || cents > MAX_CENTS) {
      throw new IllegalArgumentException("cents must be 1.." + MAX_CENTS + ", found " + cents);
    }
  }

  public static UsdAmount parse(String field, String text) {
    if (text == null) {
      throw new InvalidFieldException(field, "is required, as a decimal string such as \"25.00\"");
    }
    if (!DECIMAL.matcher(text).matches()) {
      throw new InvalidFieldException(field,
          "must be a positive decimal string with at most two decimals, such as \"25.00\"");
    }
    BigDecimal value = new BigDecimal(text);
    if (value.signum() <= 0) {
      throw new InvalidFieldException(field, "must be greater than 0");
    }
    BigDecimal cents = value.movePointRight(2);
    if (cents.compareTo(BigDecimal.valueOf(MAX_CENTS)) > 0) {
      throw new InvalidFieldException(field, "must be at most " + BigDecimal.valueOf(MAX_CENTS, 2));
    }
    return new UsdAmount(cents.longValueExact());
  }

  /** Two decimals, for the gateway's {@code amount_usd}. */
  public BigDecimal toDecimal() {
    return BigDecimal.valueOf(cents, 2);
  }

  @Override
  public String toString() {
    return toDecimal().toPlainString();
  }
}

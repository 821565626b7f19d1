package dev.seedbox.billing.gateway;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The chains we accept top-ups on: the set CoinPayPortal documents for {@code POST /api/payments/create}
 * (Bitcoin, Bitcoin Cash, Ethereum, Polygon, Solana, and USDC on Ethereum, Polygon and Solana), minus the ones we do
 * not sell through (doge, xrp, ada, bnb and untethered usdt/usdc codes).
 */
public enum Blockchain {
  BTC, BCH, ETH, POL, SOL, USDC_ETH, USDC_POL, USDC_SOL;

  /** Case-insensitive; empty for anything outside the set. */
  public static Optional<Blockchain> parse(String code) {
    if (code == null) {
      return Optional.empty();
    }
    String upper = code.trim().toUpperCase(Locale.ROOT);
    return Arrays.stream(values()).filter(b -> b.name().equals(upper)).findFirst();
  }

  public static String allowed() {
    return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
  }
}

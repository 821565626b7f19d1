package dev.seedbox.billing.gateway;

import java.math.BigDecimal;
import java.util.Map;

/**
 * What we ask the gateway to create.
 *
 * @param ourPaymentId our payment row's id; sent as {@code Idempotency-Key} and in {@code metadata.payment_id}, so a
 *     webhook for a payment whose create answer we lost can still be matched to our row
 * @param amountUsd exactly two decimals, written as a JSON number from the BigDecimal (never a double)
 * @param metadata extra string pairs; {@code account_uid} and {@code payment_id} are always added
 */
public record CreatePayment(
    String ourPaymentId, String accountUid, BigDecimal amountUsd, Blockchain blockchain, Map<String, String> metadata) {

  public CreatePayment {
    if (amountUsd.scale() != 2 || amountUsd.signum() <= 0) {
      throw new IllegalArgumentException("amountUsd must be positive with two decimals, found " + amountUsd);
    }
    metadata = Map.copyOf(metadata);
  }
}

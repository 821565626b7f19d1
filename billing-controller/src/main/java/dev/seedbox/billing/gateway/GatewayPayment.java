package dev.seedbox.billing.gateway;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A payment as the gateway reports it ({@code payment} in the answers of {@code POST /api/payments/create} and
 * {@code GET /api/payments/{id}}).
 *
 * @param id the gateway's payment id ({@code pay_...})
 * @param status pending, detected, confirmed, forwarding, forwarded, failed or expired
 * @param paymentAddress where the customer sends funds
 * @param cryptoAmount the amount of crypto asked for, exactly as the gateway wrote it (a decimal string)
 * @param blockchain the chain code the gateway echoes
 * @param amountUsd what the gateway recorded in USD; informational, never credited
 * @param expiresAt when the gateway stops watching the address
 */
public record GatewayPayment(
    String id, String status, String paymentAddress, String cryptoAmount, String blockchain, BigDecimal amountUsd,
    Instant expiresAt) {
}

package dev.seedbox.billing.topup;

import dev.seedbox.billing.gateway.GatewayPayment;

/** A started top-up: our payment and where the customer pays it. */
public record TopUp(StoredPayment payment, GatewayPayment gateway) {
}

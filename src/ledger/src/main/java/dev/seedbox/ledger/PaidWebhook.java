package dev.seedbox.ledger;

import java.util.Objects;

/** One paid webhook for {@link Ledger#creditPaidWebhooks}: the gateway's payment id, the event type and its id. */
public record PaidWebhook(String gatewayPaymentId, String eventType, String eventId) {

  public PaidWebhook {
    Objects.requireNonNull(gatewayPaymentId, "gatewayPaymentId");
    Objects.requireNonNull(eventType, "eventType");
    Objects.requireNonNull(eventId, "eventId");
  }
}

package dev.seedbox.billing.gateway;

import dev.seedbox.billing.webhook.RawWebhook;
import dev.seedbox.billing.webhook.WebhookVerdict;

/**
 * One payment gateway: opens payments, reports on them, and turns its own webhook deliveries into payment notices.
 * Its {@link #name()} is the path segment of {@code /webhooks/{gateway}} and the value of {@code seedbox_payments.gateway}.
 */
public interface PaymentGateway {

  /** Lower-case letters, digits and dashes; stable, since it is stored with every payment. */
  String name();

  /**
   * Opens a payment. The gateway may ignore the idempotency key, so after a lost answer a retry can open a second
   * one; the notice for it still names our payment id.
   *
   * @throws GatewayException the gateway did not open the payment, or we cannot tell
   */
  GatewayPayment create(CreatePayment request);

  /** The gateway's current view of one of its payments. */
  GatewayPayment get(String gatewayPaymentId);

  /**
   * Decides, without I/O and before anything else reads the body, whether a delivery came from the gateway, and if
   * so what it says. Nothing may be written for a refused delivery.
   */
  WebhookVerdict verify(RawWebhook delivery);
}

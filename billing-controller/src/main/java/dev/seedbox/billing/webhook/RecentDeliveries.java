package dev.seedbox.billing.webhook;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Deliveries answered with 200 lately, so a gateway's resend of the same delivery is answered at once without a
 * database call. The durable dedupe stays in the ledger; this only saves its round trip.
 *
 * <p>The delivery id is not signed, so it is never trusted alone: the key also holds the payment and event type
 * from the signed body. A verified body replayed under another delivery's id can therefore only shadow a delivery
 * about the same payment and type, which the ledger would have answered as already processed anyway.
 */
public final class RecentDeliveries {

  private final Map<String, Boolean> seen;

  public RecentDeliveries(int capacity) {
    this.seen = new LinkedHashMap<>(capacity, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > capacity;
      }
    };
  }

  /** True when this delivery of this notice was answered before. Deliveries without an id are never repeats. */
  public synchronized boolean answeredBefore(String gateway, WebhookVerdict.Delivery delivery, WebhookEvent notice) {
    return !delivery.id().isEmpty() && seen.get(key(gateway, delivery, notice)) != null;
  }

  public synchronized void answered(String gateway, WebhookVerdict.Delivery delivery, WebhookEvent notice) {
    if (!delivery.id().isEmpty()) {
      seen.put(key(gateway, delivery, notice), Boolean.TRUE);
    }
  }

  private static String key(String gateway, WebhookVerdict.Delivery delivery, WebhookEvent notice) {
    return gateway + '\n' + delivery.id() + '\n' + notice.gatewayPaymentId() + '\n' + notice.type();
  }
}

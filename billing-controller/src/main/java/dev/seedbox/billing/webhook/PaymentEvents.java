package dev.seedbox.billing.webhook;

/**
 * Where a verified webhook goes ({@code dev.seedbox.billing.ledger.LedgerPaymentEvents}). It owns everything that
 * touches money, in ONE transaction per call:
 * <ul>
 *   <li>dedupe on (gateway payment id, type) in {@code seedbox_webhook_events}, committed with the credit (the event
 *       id changes on resend, so it is not the key);</li>
 *   <li>match the payment by gateway payment id, else by {@link WebhookEvent#ourPaymentId()} (a lost create answer),
 *       and attach the gateway id to our row when matched that way;</li>
 *   <li>on {@link WebhookEvent#meansPaid()}: credit the amount from OUR payment row (never the body), idempotent on
 *       our payment id, then {@code settle(account)} in the same transaction; a late confirmed after expired still
 *       credits;</li>
 *   <li>an event matching no row is stored as unmatched (never swallowed by dedupe) and retried when a row gains
 *       that gateway id.</li>
 * </ul>
 * Called off the event loop; may block. Must be safe to call concurrently and repeatedly with the same event.
 * A thrown exception is answered with 500, so the gateway retries; nothing may be half-written then.
 */
public interface PaymentEvents {

  PaymentEventOutcome handle(WebhookEvent event);
}

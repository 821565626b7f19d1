package dev.seedbox.billing.webhook;

/** What a gateway decided about one webhook delivery. */
public sealed interface WebhookVerdict {

  /**
   * From the gateway, and well formed.
   *
   * @param notice what the signed body says
   * @param delivery the gateway's delivery headers; unsigned, so used for logs and the repeat short-cut only
   */
  record Accepted(WebhookEvent notice, Delivery delivery) implements WebhookVerdict {}

  /**
   * Refused with {@code status} (401 not from the gateway, 400 malformed); nothing is written.
   *
   * @param reason the metric tag
   */
  record Refused(int status, String reason, String message) implements WebhookVerdict {}

  /**
   * The delivery headers a gateway documents besides the signature.
   *
   * @param event the event name the sender put in its header, or "" when absent
   * @param id the sender's delivery id, or "" when absent
   */
  record Delivery(String event, String id) {

    public static final Delivery NONE = new Delivery("", "");
  }
}

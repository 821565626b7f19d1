package dev.seedbox.billing.webhook;

import java.util.Locale;

/** What {@link PaymentEvents#handle} did. Every outcome is answered with 200: the gateway must stop resending. */
public sealed interface PaymentEventOutcome {

  /** The metric tag and the word in the response body. */
  default String tag() {
    return getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  /** Money moved: our payment row was credited with its own amount. */
  record Credited(String ourPaymentId, long amountCents) implements PaymentEventOutcome {}

  /** The same (payment, type) was processed before; nothing changed. */
  record AlreadyProcessed(String gatewayPaymentId) implements PaymentEventOutcome {}

  /** No payment row matches yet; the event is kept for matching later and counted for an operator. */
  record Unmatched(String gatewayPaymentId) implements PaymentEventOutcome {}

  /** Paid, but the gateway reports less than our amount beyond the tolerance: nothing credited, an operator decides. */
  record HeldForReview(String ourPaymentId, String gatewayPaymentId) implements PaymentEventOutcome {}

  /** Stored without a money change (expired, created, failed, or paid events for an already credited payment). */
  record Recorded(String gatewayPaymentId, String type) implements PaymentEventOutcome {}
}

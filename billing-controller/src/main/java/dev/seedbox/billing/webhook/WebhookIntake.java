package dev.seedbox.billing.webhook;

import java.util.concurrent.CompletionStage;

/**
 * Where the webhook route hands a verified event. The answer completes, on some other thread, once the event's
 * transaction has committed; it fails with {@link java.util.concurrent.RejectedExecutionException} when the intake is
 * full or stopping (the gateway resends), or with the processing error (nothing of that event was written).
 */
public interface WebhookIntake {

  CompletionStage<PaymentEventOutcome> submit(WebhookEvent event);
}

package dev.seedbox.billing.webhook;

import java.util.Locale;

/** What {@link WebhookVerifier} decided about one request. */
public sealed interface Verification {

  /** The body was signed with one of our secrets within the tolerance. */
  record Verified(long timestamp) implements Verification {}

  /** Answered with 401; nothing is written. */
  record Rejected(Reason reason) implements Verification {}

  enum Reason {
    MISSING_SIGNATURE,
    MALFORMED_SIGNATURE,
    SIGNATURE_MISMATCH,
    STALE_TIMESTAMP;

    /** The metric tag and the word in the response body. */
    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}

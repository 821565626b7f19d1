package dev.seedbox.ledger;

import java.util.UUID;

/**
 * What a paid webhook did to the ledger ({@link Ledger#creditPaidWebhook}, {@link Ledger#creditPaidWebhooks}). Nothing
 * is written for {@link UnknownPayment}, {@link AlreadyProcessed} and {@link Deferred}; {@link Replayed} writes only
 * the dedupe row.
 */
public sealed interface PaymentCredit {

  /** No payment row carries the id: the caller matches it another way or keeps the event as unmatched. */
  record UnknownPayment() implements PaymentCredit {}

  /** This (gateway payment id, event type) was processed before. */
  record AlreadyProcessed(UUID paymentId) implements PaymentCredit {}

  /** The row was credited before (under another event type or gateway payment): nothing more is credited. */
  record Replayed(UUID paymentId, String accountUid, long amountCents, long entryId) implements PaymentCredit {}

  /**
   * Left alone by {@link Ledger#creditPaidWebhooks}: the row was credited or confirmed before, so only
   * {@link Ledger#creditPaidWebhook} may decide between {@link Replayed} and {@link AlreadyProcessed}. Nothing is
   * written for it.
   */
  record Deferred(UUID paymentId) implements PaymentCredit {}

  /** Credited now, with its audit event; the account is settled in the same transaction. */
  record Credited(UUID paymentId, String accountUid, long amountCents, long entryId, long balanceAfterCents)
      implements PaymentCredit {}
}

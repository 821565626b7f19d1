package dev.seedbox.ledger;

import java.time.Instant;

/**
 * One immutable ledger row. {@code amountCents} is signed (credits positive, charges negative);
 * {@code seedboxUid}/{@code period}, {@code paymentKey}, {@code refundsEntryId} and {@code reason} are null where the
 * kind does not use them.
 */
public record LedgerEntry(
    long id,
    String accountUid,
    EntryKind kind,
    long amountCents,
    long balanceAfterCents,
    String idempotencyKey,
    String seedboxUid,
    Integer period,
    String paymentKey,
    Long refundsEntryId,
    String reason,
    String actor,
    Instant occurredAt) {}

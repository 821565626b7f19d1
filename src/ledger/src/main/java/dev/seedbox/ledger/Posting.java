package dev.seedbox.ledger;

/**
 * The answer to a keyed money write: the entry, and whether this call wrote it or found it already written by an
 * earlier call with the same key and the same payload.
 */
public record Posting(LedgerEntry entry, boolean replayed) {}

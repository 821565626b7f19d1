package dev.seedbox.ledger.audit;

import java.util.Optional;

/**
 * One run of the sealer: events sealed, events recorded as faults (unsealable, reported and passed), the chain's
 * head afterwards (empty while the chain is empty), and whether another session held the sealer's lock.
 */
public record SealRun(int sealed, int faulted, Optional<ChainHead> head, boolean lockBusy) {}

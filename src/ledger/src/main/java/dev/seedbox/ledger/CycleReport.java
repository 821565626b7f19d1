package dev.seedbox.ledger;

/** What one billing cycle did. */
public record CycleReport(int accountsVisited, int chargesPosted, long chargedCents, int holdsSet,
    int accountsSuspended, int lowBalanceWarnings) {}

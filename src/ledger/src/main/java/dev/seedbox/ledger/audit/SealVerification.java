package dev.seedbox.ledger.audit;

/** What {@link AuditSealer#verify()} found. */
public sealed interface SealVerification {

  /** Every seal recomputes from its event and its predecessor. */
  record Intact(long sealsChecked) implements SealVerification {}

  /** The first seal (in chain order) that does not hold, the event it covers, and why. */
  record Broken(long seq, long eventId, String reason) implements SealVerification {}
}

package dev.seedbox.ledger;

/** What a ledger entry records; the enum name is the value stored in {@code seedbox_ledger_entries.kind}. */
public enum EntryKind {
  TopUp,
  Charge,
  Refund,
  Adjustment
}

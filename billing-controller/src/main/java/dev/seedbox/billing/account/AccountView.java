package dev.seedbox.billing.account;

import dev.seedbox.billing.topup.AccountRef;
import java.time.Instant;
import java.util.List;

/**
 * An account as the ledger sees it.
 *
 * @param state Active, LowBalance or Suspended
 */
public record AccountView(
    AccountRef account, String uid, long balanceCents, String state, long lowBalanceThresholdCents,
    List<Entry> recentEntries) {

  public AccountView {
    recentEntries = List.copyOf(recentEntries);
  }

  /** One ledger entry: a signed amount (credits positive), its kind, and the balance it left. */
  public record Entry(Instant occurredAt, String kind, long amountCents, long balanceAfterCents, String reference) {
  }
}

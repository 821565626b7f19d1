package dev.seedbox.billing.account;

import dev.seedbox.billing.topup.AccountRef;
import java.time.Instant;
import java.util.List;

/**
 * An account as the ledger sees it.
 *
 * @param state Active, LowBalance or Suspended
 * @param monthlyBurnCents what the account's running seedboxes cost per 30-day period
 * @param runwayDays whole days the balance pays for at that burn; {@code null} when nothing burns
 */
public record AccountView(
    AccountRef account, String uid, long balanceCents, String state, long lowBalanceThresholdCents,
    long monthlyBurnCents, Long runwayDays, List<Entry> recentEntries) {

  public AccountView {
    recentEntries = List.copyOf(recentEntries);
  }

  /** One ledger entry: a signed amount (credits positive), its kind, and the balance it left. */
  public record Entry(Instant occurredAt, String kind, long amountCents, long balanceAfterCents, String reference) {
  }
}

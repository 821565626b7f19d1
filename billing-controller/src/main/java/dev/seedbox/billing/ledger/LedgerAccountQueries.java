package dev.seedbox.billing.ledger;

import dev.seedbox.billing.account.AccountQueries;
import dev.seedbox.billing.account.AccountView;
import dev.seedbox.billing.topup.AccountRef;
import dev.seedbox.ledger.Ledger;
import java.util.Optional;

/** {@code GET /v1/accounts/{namespace}/{name}} from the ledger's account row and entries. */
public final class LedgerAccountQueries implements AccountQueries {

  private final Ledger ledger;

  public LedgerAccountQueries(Ledger ledger) {
    this.ledger = ledger;
  }

  @Override
  public Optional<AccountView> find(AccountRef account, int recentEntries) {
    return ledger.accountByName(account.namespace(), account.name()).map(snapshot -> new AccountView(account,
        snapshot.uid(), snapshot.balanceCents(), snapshot.state().wireName(), snapshot.lowBalanceThresholdCents(),
        snapshot.monthlyBurnCents(), snapshot.runwayDays(),
        ledger.history(snapshot.uid(), recentEntries).stream()
            .map(e -> new AccountView.Entry(e.occurredAt(), e.kind().name(), e.amountCents(), e.balanceAfterCents(),
                e.idempotencyKey()))
            .toList()));
  }
}

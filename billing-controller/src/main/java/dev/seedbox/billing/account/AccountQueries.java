package dev.seedbox.billing.account;

import dev.seedbox.billing.topup.AccountRef;
import java.util.Optional;

/** Read side of {@code GET /v1/accounts/{namespace}/{name}}. */
public interface AccountQueries {

  /** The account with its newest {@code recentEntries} ledger entries, newest first; empty if unknown. */
  Optional<AccountView> find(AccountRef account, int recentEntries);
}

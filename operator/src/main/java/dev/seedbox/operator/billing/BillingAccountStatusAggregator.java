package dev.seedbox.operator.billing;

import dev.seedbox.api.status.ConditionStatus;
import dev.seedbox.api.v1alpha1.AccountState;
import dev.seedbox.api.v1alpha1.BillingAccountStatus;
import dev.seedbox.ledger.AccountSnapshot;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The BillingAccount's status as a projection of its ledger account: the figures and the {@code Ready} condition
 * (True while Active or LowBalance, False once Suspended). Pure: it reads nothing but its arguments.
 */
final class BillingAccountStatusAggregator {

  private BillingAccountStatusAggregator() {
  }

  static void aggregate(BillingAccountStatus status, AccountSnapshot account, Long generation, Instant now) {
    AccountState state = AccountState.valueOf(account.state().name());
    status.setBalanceCents(account.balanceCents());
    status.setState(state);
    status.setMonthlyBurnCents(account.monthlyBurnCents());
    status.setRunwayDays(account.runwayDays());
    status.setLastTopUpCents(account.lastTopUpCents());
    status.setLastTopUpAt(account.lastTopUpAt() == null ? null
        : account.lastTopUpAt().truncatedTo(ChronoUnit.SECONDS).toString());
    String figures = figures(account);
    switch (state) {
      case ACTIVE -> status.setCondition(BillingAccountStatus.READY, ConditionStatus.TRUE,
          BillingAccountReconciler.REASON_ACTIVE, "account in good standing: " + figures, generation, now);
      case LOW_BALANCE -> status.setCondition(BillingAccountStatus.READY, ConditionStatus.TRUE,
          BillingAccountStatus.LOW_BALANCE, "balance below the threshold of " + account.lowBalanceThresholdCents()
              + " cents: " + figures + "; top up before the credit runs out", generation, now);
      case SUSPENDED -> status.setCondition(BillingAccountStatus.READY, ConditionStatus.FALSE,
          BillingAccountStatus.SUSPENDED, "credit ran out: " + figures + "; the account's seedboxes are suspended "
              + "and terminated after " + account.gracePeriodDays() + " days unless it is topped up", generation,
          now);
      default -> throw new IllegalStateException("unknown account state " + state);
    }
  }

  /** The figures as the condition and the Events name them. */
  static String figures(AccountSnapshot account) {
    return "balance " + account.balanceCents() + " cents, monthly burn " + account.monthlyBurnCents()
        + " cents" + (account.runwayDays() == null ? "" : ", runway " + account.runwayDays() + " days");
  }
}

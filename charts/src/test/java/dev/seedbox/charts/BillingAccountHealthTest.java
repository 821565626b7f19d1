package dev.seedbox.charts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.charts.ArgoCdHealthCheck.Health;
import org.junit.jupiter.api.Test;

class BillingAccountHealthTest {

  private static final ArgoCdHealthCheck CHECK = ArgoCdHealthCheck.load("billingaccount.lua");

  private static String account(String state, String readyStatus, String readyMessage) {
    return """
        apiVersion: seedbox.dev/v1alpha1
        kind: BillingAccount
        metadata: {name: acme-media, generation: 2}
        spec: {owner: ops@acme-media.example, currency: USD, lowBalanceThresholdCents: 2500}
        status:
          observedGeneration: 2
          state: %s
          balanceCents: 1800
          monthlyBurnCents: 5100
          runwayDays: 10
          conditions:
            - {type: Ready, status: "%s", reason: Projected, message: "%s"}
        """.formatted(state, readyStatus, readyMessage);
  }

  @Test
  void anActiveAccountIsHealthy() {
    assertThat(CHECK.evaluate(account("Active", "True", "balance 1800 cents")))
        .isEqualTo(new Health("Healthy", "balance 1800 cents"));
  }

  @Test
  void aLowBalanceIsAWarningOnAHealthyAccount() {
    Health health = CHECK.evaluate(account("LowBalance", "True", "low"));

    assertThat(health).isEqualTo(new Health("Healthy",
        "Warning: low balance (balance 1800 cents, runway 10 days); top up before the credit runs out"));
  }

  @Test
  void aSuspendedAccountIsDegraded() {
    Health health = CHECK.evaluate(account("Suspended", "False", "no credit since 2026-11-01"));

    assertThat(health).isEqualTo(new Health("Degraded", "no credit since 2026-11-01"));
  }

  @Test
  void anActiveAccountWhoseProjectionFailedIsDegraded() {
    assertThat(CHECK.evaluate(account("Active", "False", "ledger unreachable")))
        .isEqualTo(new Health("Degraded", "ledger unreachable"));
  }

  @Test
  void anAccountWithoutStatusIsProgressing() {
    Health health = CHECK.evaluate("""
        apiVersion: seedbox.dev/v1alpha1
        kind: BillingAccount
        metadata: {name: acme-media, generation: 1}
        spec: {owner: ops@acme-media.example, currency: USD}
        """);

    assertThat(health.status()).isEqualTo("Progressing");
  }

  @Test
  void anAccountWhoseLatestSpecIsNotObservedYetIsProgressing() {
    String stale = account("Active", "True", "ok").replace("generation: 2", "generation: 5");

    assertThat(CHECK.evaluate(stale)).isEqualTo(
        new Health("Progressing", "Waiting for the operator to observe generation 5"));
  }
}

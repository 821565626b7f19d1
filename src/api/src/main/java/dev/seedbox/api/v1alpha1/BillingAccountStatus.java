package dev.seedbox.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.seedbox.api.status.ResourceStatus;

/** The ledger's view of an account. Conditions: Ready, and Deletable while deletion is held. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BillingAccountStatus extends ResourceStatus {

  public static final String READY = "Ready";
  public static final String LOW_BALANCE = "LowBalance";
  public static final String SUSPENDED = "Suspended";

  @JsonPropertyDescription("Prepaid credit left, in cents.")
  private Long balanceCents;

  private AccountState state;

  @JsonPropertyDescription("What the account's seedboxes cost per 30-day period, in cents.")
  private Long monthlyBurnCents;

  @JsonPropertyDescription("Days the balance lasts at the current burn.")
  private Long runwayDays;

  @JsonPropertyDescription("Amount of the last credited top-up, in cents.")
  private Long lastTopUpCents;

  @JsonPropertyDescription("When the last top-up was credited (RFC 3339).")
  private String lastTopUpAt;

  public Long getBalanceCents() {
    return balanceCents;
  }

  public void setBalanceCents(Long balanceCents) {
    this.balanceCents = balanceCents;
  }

  public AccountState getState() {
    return state;
  }

  public void setState(AccountState state) {
    this.state = state;
  }

  public Long getMonthlyBurnCents() {
    return monthlyBurnCents;
  }

  public void setMonthlyBurnCents(Long monthlyBurnCents) {
    this.monthlyBurnCents = monthlyBurnCents;
  }

  public Long getRunwayDays() {
    return runwayDays;
  }

  public void setRunwayDays(Long runwayDays) {
    this.runwayDays = runwayDays;
  }

  public Long getLastTopUpCents() {
    return lastTopUpCents;
  }

  public void setLastTopUpCents(Long lastTopUpCents) {
    this.lastTopUpCents = lastTopUpCents;
  }

  public String getLastTopUpAt() {
    return lastTopUpAt;
  }

  public void setLastTopUpAt(String lastTopUpAt) {
    this.lastTopUpAt = lastTopUpAt;
  }
}

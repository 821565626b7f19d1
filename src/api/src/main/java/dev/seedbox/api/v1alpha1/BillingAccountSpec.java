package dev.seedbox.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** Who pays, in which currency, and when to warn and how long to wait before terminating. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BillingAccountSpec {

  @Required
  @Size(min = 1, max = 320)
  @Pattern("^\\S(.*\\S)?$")
  @JsonPropertyDescription("The customer: an e-mail address or storefront customer id.")
  private String owner;

  @Default("USD")
  @Pattern("^[A-Z]{3}$")
  @JsonPropertyDescription("ISO 4217 currency code of the balance. The payment gateway settles in USD.")
  private String currency = "USD";

  @Min(0)
  @JsonPropertyDescription("Warn (state LowBalance) when the balance falls below this many cents.")
  private Long lowBalanceThresholdCents;

  @Min(0)
  @Max(365)
  @JsonPropertyDescription("Days a suspended seedbox is kept before it is terminated.")
  private Integer gracePeriodDays;

  @Default("false")
  @JsonPropertyDescription("Stop reconciling this resource; a condition says so.")
  private Boolean paused = false;

  public String getOwner() {
    return owner;
  }

  public void setOwner(String owner) {
    this.owner = owner;
  }

  public String getCurrency() {
    return currency;
  }

  public void setCurrency(String currency) {
    this.currency = currency;
  }

  public Long getLowBalanceThresholdCents() {
    return lowBalanceThresholdCents;
  }

  public void setLowBalanceThresholdCents(Long lowBalanceThresholdCents) {
    this.lowBalanceThresholdCents = lowBalanceThresholdCents;
  }

  public Integer getGracePeriodDays() {
    return gracePeriodDays;
  }

  public void setGracePeriodDays(Integer gracePeriodDays) {
    this.gracePeriodDays = gracePeriodDays;
  }

  public Boolean getPaused() {
    return paused;
  }

  public void setPaused(Boolean paused) {
    this.paused = paused;
  }
}

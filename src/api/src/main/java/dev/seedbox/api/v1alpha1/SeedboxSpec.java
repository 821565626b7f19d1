package dev.seedbox.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** What the customer ordered. Prices never come from here: the plan id is looked up in the plan catalog. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!(has(self.provider) && has(self.byosConnectionRef))",
    message = "set either provider (with region) or byosConnectionRef, not both")
@ValidationRule(value = "has(self.provider) || has(self.byosConnectionRef)",
    message = "one of provider (with region) or byosConnectionRef is required")
@ValidationRule(value = "!has(self.provider) || has(self.region)",
    message = "region is required when provider is set")
@ValidationRule(value = "!has(self.webUiHostname) || has(self.byosConnectionRef)",
    message = "webUiHostname is for a seedbox on your own server (byosConnectionRef); a cloud seedbox's hostname is"
        + " under the operator's base domain")
public class SeedboxSpec {

  @Required
  @Size(min = 1, max = 253)
  @Pattern(ApiGroup.DNS_1123_SUBDOMAIN)
  @JsonPropertyDescription("Name of the BillingAccount, in the same namespace, that pays for this seedbox.")
  private String accountRef;

  @Required
  @Size(min = 1, max = 63)
  @Pattern(ApiGroup.DNS_1123_LABEL)
  @JsonPropertyDescription("Plan id from the plan catalog; it fixes price, storage and server size.")
  private String plan;

  @JsonPropertyDescription("Cloud provider that hosts the server. Leave unset with byosConnectionRef.")
  private ProviderKind provider;

  @Size(min = 1, max = 63)
  @Pattern(ApiGroup.DNS_1123_LABEL)
  @JsonPropertyDescription("Provider region slug, e.g. ams3 or fsn1. Required with provider.")
  private String region;

  @Size(min = 1, max = 253)
  @Pattern(ApiGroup.DNS_1123_SUBDOMAIN)
  @JsonPropertyDescription("Name of a ByosConnection in the same namespace: install on the customer's own server.")
  private String byosConnectionRef;

  @Default("qbittorrent")
  @JsonPropertyDescription("BitTorrent client to install.")
  private TorrentClient client = TorrentClient.QBITTORRENT;

  @Default("false")
  @JsonPropertyDescription("Operator hold: power the server off. Still billed; a top-up does not lift it.")
  private Boolean suspend = false;

  @Size(max = 1024)
  @JsonPropertyDescription("Why the operator hold was placed (e.g. abuse report id).")
  private String suspendReason;

  @Default("false")
  @JsonPropertyDescription("Stop reconciling this resource; a condition says so.")
  private Boolean paused = false;

  @Default("0")
  @Min(0)
  @JsonPropertyDescription("Bump to rotate the web UI credentials, once per value.")
  private Long credentialsRotation = 0L;

  @Default("Retain")
  @JsonPropertyDescription("With byosConnectionRef: what happens to the downloads on your server when this seedbox is "
      + "terminated. Retain (default) keeps /srv/seedbox/<slot>; Delete removes it with the client's user and unit.")
  private DataOnTermination dataOnTermination = DataOnTermination.RETAIN;

  @Size(max = 253)
  @Pattern(ApiGroup.HOSTNAME)
  @JsonPropertyDescription("With byosConnectionRef: serve the web UI at this hostname of your own domain instead of"
      + " one under the operator's base domain. Create the DNS record that status.endpoint.dnsRecord shows; the"
      + " certificate is issued once it resolves to your server.")
  private String webUiHostname;

  public String getWebUiHostname() {
    return webUiHostname;
  }

  public void setWebUiHostname(String webUiHostname) {
    this.webUiHostname = webUiHostname;
  }

  public DataOnTermination getDataOnTermination() {
    return dataOnTermination;
  }

  public void setDataOnTermination(DataOnTermination dataOnTermination) {
    this.dataOnTermination = dataOnTermination;
  }

  public String getAccountRef() {
    return accountRef;
  }

  public void setAccountRef(String accountRef) {
    this.accountRef = accountRef;
  }

  public String getPlan() {
    return plan;
  }

  public void setPlan(String plan) {
    this.plan = plan;
  }

  public ProviderKind getProvider() {
    return provider;
  }

  public void setProvider(ProviderKind provider) {
    this.provider = provider;
  }

  public String getRegion() {
    return region;
  }

  public void setRegion(String region) {
    this.region = region;
  }

  public String getByosConnectionRef() {
    return byosConnectionRef;
  }

  public void setByosConnectionRef(String byosConnectionRef) {
    this.byosConnectionRef = byosConnectionRef;
  }

  public TorrentClient getClient() {
    return client;
  }

  public void setClient(TorrentClient client) {
    this.client = client;
  }

  public Boolean getSuspend() {
    return suspend;
  }

  public void setSuspend(Boolean suspend) {
    this.suspend = suspend;
  }

  public String getSuspendReason() {
    return suspendReason;
  }

  public void setSuspendReason(String suspendReason) {
    this.suspendReason = suspendReason;
  }

  public Boolean getPaused() {
    return paused;
  }

  public void setPaused(Boolean paused) {
    this.paused = paused;
  }

  public Long getCredentialsRotation() {
    return credentialsRotation;
  }

  public void setCredentialsRotation(Long credentialsRotation) {
    this.credentialsRotation = credentialsRotation;
  }
}

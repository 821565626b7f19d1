package dev.seedbox.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where the customer reaches their seedbox. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Endpoint {

  @JsonPropertyDescription("Public IP address or host name of the server.")
  private String address;

  @JsonPropertyDescription("URL of the torrent client's web UI.")
  private String webUiUrl;

  @JsonPropertyDescription("The DNS record to create for spec.webUiHostname, in zone-file form.")
  private String dnsRecord;

  public Endpoint() {
  }

  public Endpoint(String address, String webUiUrl) {
    this.address = address;
    this.webUiUrl = webUiUrl;
  }

  public String getDnsRecord() {
    return dnsRecord;
  }

  public void setDnsRecord(String dnsRecord) {
    this.dnsRecord = dnsRecord;
  }

  public String getAddress() {
    return address;
  }

  public void setAddress(String address) {
    this.address = address;
  }

  public String getWebUiUrl() {
    return webUiUrl;
  }

  public void setWebUiUrl(String webUiUrl) {
    this.webUiUrl = webUiUrl;
  }
}

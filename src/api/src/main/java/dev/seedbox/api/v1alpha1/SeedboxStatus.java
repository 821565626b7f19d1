package dev.seedbox.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.status.ResourceStatus;

/**
 * Observed state of a seedbox. Conditions: Ready, Paid, Provisioned (and Paused while paused; CertificateValid for a
 * web UI served over HTTPS).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SeedboxStatus extends ResourceStatus {

  public static final String READY = "Ready";
  public static final String PAID = "Paid";
  public static final String PROVISIONED = "Provisioned";
  public static final String PAUSED = "Paused";
  /** The web UI's certificate is valid beyond the operator's expiry threshold; False well before it lapses. */
  public static final String CERTIFICATE_VALID = "CertificateValid";

  @JsonPropertyDescription("Lifecycle state, for humans; decisions read conditions.")
  private Phase phase;

  @JsonPropertyDescription("The provider's id for the server, as <provider>:<id>.")
  private String providerRef;

  private Endpoint endpoint;

  @JsonPropertyDescription("Name of the Secret, in this namespace, holding the web UI credentials.")
  private String credentialsSecretRef;

  @JsonPropertyDescription("The last credentialsRotation value that was applied.")
  private Long observedCredentialsRotation;

  @JsonPropertyDescription("End of the last paid 30-day period (RFC 3339).")
  private String paidThrough;

  @JsonPropertyDescription("Human-readable summary of the last step or problem.")
  private String message;

  public Phase getPhase() {
    return phase;
  }

  public void setPhase(Phase phase) {
    this.phase = phase;
  }

  public String getProviderRef() {
    return providerRef;
  }

  public void setProviderRef(String providerRef) {
    this.providerRef = providerRef;
  }

  public Endpoint getEndpoint() {
    return endpoint;
  }

  public void setEndpoint(Endpoint endpoint) {
    this.endpoint = endpoint;
  }

  public String getCredentialsSecretRef() {
    return credentialsSecretRef;
  }

  public void setCredentialsSecretRef(String credentialsSecretRef) {
    this.credentialsSecretRef = credentialsSecretRef;
  }

  public Long getObservedCredentialsRotation() {
    return observedCredentialsRotation;
  }

  public void setObservedCredentialsRotation(Long observedCredentialsRotation) {
    this.observedCredentialsRotation = observedCredentialsRotation;
  }

  public String getPaidThrough() {
    return paidThrough;
  }

  public void setPaidThrough(String paidThrough) {
    this.paidThrough = paidThrough;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }
}

package dev.seedbox.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.seedbox.api.status.ResourceStatus;

/** What the customer needs to authorise us, and whether we got in. Never holds key material. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ByosConnectionStatus extends ResourceStatus {

  public static final String READY = "Ready";
  public static final String KEY_ISSUED = "KeyIssued";

  private ByosPhase phase;

  @JsonPropertyDescription("Our public key for this connection, OpenSSH format.")
  private String publicKey;

  @JsonPropertyDescription("Fingerprint of our public key, SHA256:<base64>.")
  private String fingerprint;

  @JsonPropertyDescription("One line for the customer to run on their server to authorise our key.")
  private String onboardingCommand;

  @JsonPropertyDescription("What the server and the user must offer before the command is run, for seedboxes to be "
      + "installed there.")
  private String onboardingRequirements;

  @JsonPropertyDescription("Where the private key is kept: kubernetes:<ns>/<name>#<key> or vault:<mount>/<path>#<v>.")
  private String secretRef;

  @JsonPropertyDescription("Fingerprint of the server's host key as last seen.")
  private String observedHostKeyFingerprint;

  @JsonPropertyDescription("The spec.rotation value the current key was issued for.")
  private Long observedRotation;

  @JsonPropertyDescription("When the connection last verified (RFC 3339).")
  private String lastVerifiedAt;

  public ByosPhase getPhase() {
    return phase;
  }

  public void setPhase(ByosPhase phase) {
    this.phase = phase;
  }

  public String getPublicKey() {
    return publicKey;
  }

  public void setPublicKey(String publicKey) {
    this.publicKey = publicKey;
  }

  public String getFingerprint() {
    return fingerprint;
  }

  public void setFingerprint(String fingerprint) {
    this.fingerprint = fingerprint;
  }

  public String getOnboardingCommand() {
    return onboardingCommand;
  }

  public void setOnboardingCommand(String onboardingCommand) {
    this.onboardingCommand = onboardingCommand;
  }

  public String getOnboardingRequirements() {
    return onboardingRequirements;
  }

  public void setOnboardingRequirements(String onboardingRequirements) {
    this.onboardingRequirements = onboardingRequirements;
  }

  public String getSecretRef() {
    return secretRef;
  }

  public void setSecretRef(String secretRef) {
    this.secretRef = secretRef;
  }

  public String getObservedHostKeyFingerprint() {
    return observedHostKeyFingerprint;
  }

  public void setObservedHostKeyFingerprint(String observedHostKeyFingerprint) {
    this.observedHostKeyFingerprint = observedHostKeyFingerprint;
  }

  public Long getObservedRotation() {
    return observedRotation;
  }

  public void setObservedRotation(Long observedRotation) {
    this.observedRotation = observedRotation;
  }

  public String getLastVerifiedAt() {
    return lastVerifiedAt;
  }

  public void setLastVerifiedAt(String lastVerifiedAt) {
    this.lastVerifiedAt = lastVerifiedAt;
  }
}

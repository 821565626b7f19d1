package dev.seedbox.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** How to reach the customer's server. The customer never gives us a private key. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ByosConnectionSpec {

  @Required
  @Size(min = 1, max = 253)
  @Pattern("^[A-Za-z0-9]([A-Za-z0-9.:-]*[A-Za-z0-9])?$")
  @JsonPropertyDescription("Host name or IP address of the customer's server (no spaces, no scheme).")
  private String host;

  @Default("22")
  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("SSH port.")
  private Integer port = 22;

  @Required
  @Size(min = 1, max = 32)
  @Pattern("^[A-Za-z_][A-Za-z0-9_.-]*$")
  @JsonPropertyDescription("Unix user whose authorized_keys receives our public key.")
  private String user;

  @Pattern("^SHA256:[A-Za-z0-9+/]{43}$")
  @JsonPropertyDescription("Pin the server's host key (as ssh-keygen -lf prints it); otherwise it is pinned on first "
      + "successful connection.")
  private String hostKeyFingerprint;

  @Pattern("^SHA256:[A-Za-z0-9+/]{43}$")
  @JsonPropertyDescription("Re-pin request: the host key (as ssh-keygen -lf prints it) you accept in place of the "
      + "pinned one, after reinstalling the server or to move this connection to a new host or port. Without it a "
      + "changed host key is a failure and a host or port change of a pinned connection is refused. Each re-pin is "
      + "audited; once set, it takes the place of hostKeyFingerprint.")
  private String acceptHostKeyFingerprint;

  @Default("kubernetes")
  @JsonPropertyDescription("Where the private key is kept.")
  private SecretStoreKind secretStore = SecretStoreKind.KUBERNETES;

  @Default("0")
  @Min(0)
  @JsonPropertyDescription("Bump to rotate the key: a new key and onboarding command; the old key is revoked once "
      + "the new one verifies.")
  private Long rotation = 0L;

  @Default("false")
  @JsonPropertyDescription("Stop reconciling this resource; a condition says so.")
  private Boolean paused = false;

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public String getUser() {
    return user;
  }

  public void setUser(String user) {
    this.user = user;
  }

  public String getHostKeyFingerprint() {
    return hostKeyFingerprint;
  }

  public void setHostKeyFingerprint(String hostKeyFingerprint) {
    this.hostKeyFingerprint = hostKeyFingerprint;
  }

  public String getAcceptHostKeyFingerprint() {
    return acceptHostKeyFingerprint;
  }

  public void setAcceptHostKeyFingerprint(String acceptHostKeyFingerprint) {
    this.acceptHostKeyFingerprint = acceptHostKeyFingerprint;
  }

  public SecretStoreKind getSecretStore() {
    return secretStore;
  }

  public void setSecretStore(SecretStoreKind secretStore) {
    this.secretStore = secretStore;
  }

  public Long getRotation() {
    return rotation;
  }

  public void setRotation(Long rotation) {
    this.rotation = rotation;
  }

  public Boolean getPaused() {
    return paused;
  }

  public void setPaused(Boolean paused) {
    this.paused = paused;
  }
}

package dev.seedbox.billing.topup;

import dev.seedbox.billing.InvalidFieldException;
import java.util.regex.Pattern;

/** A BillingAccount by namespace and name, as it appears in {@code /v1/accounts/{namespace}/{name}}. */
public record AccountRef(String namespace, String name) {

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  public AccountRef {
    if (namespace == null || !DNS_LABEL.matcher(namespace).matches()) {
      throw new InvalidFieldException("namespace", "must be a Kubernetes namespace name (DNS label)");
    }
    if (name == null || name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
      throw new InvalidFieldException("name", "must be a Kubernetes object name (DNS subdomain)");
    }
  }

  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}

package dev.seedbox.ledger.schema;

import java.util.List;
import java.util.regex.Pattern;

/** The two runtime roles, one per service: each is granted only what its service calls. */
public record RuntimeRoles(String operator, String billing) {

  // the names are spliced into GRANT statements, so only plain identifiers pass
  private static final Pattern ROLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  public static final String DEFAULT_OPERATOR = "seedbox_operator";
  public static final String DEFAULT_BILLING = "seedbox_billing";
  public static final RuntimeRoles DEFAULTS = new RuntimeRoles(DEFAULT_OPERATOR, DEFAULT_BILLING);

  public RuntimeRoles {
    for (String role : new String[] {operator, billing}) {
      if (role == null || !ROLE_NAME.matcher(role).matches()) {
        throw new IllegalArgumentException("a runtime role must be a lower-case SQL identifier matching "
            + ROLE_NAME.pattern() + ", got '" + role + "'");
      }
    }
    if (operator.equals(billing)) {
      throw new IllegalArgumentException("the operator and the billing-controller need a runtime role each, both are '"
          + operator + "'");
    }
  }

  public List<String> all() {
    return List.of(operator, billing);
  }
}

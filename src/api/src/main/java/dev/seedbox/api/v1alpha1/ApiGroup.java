package dev.seedbox.api.v1alpha1;

/** The API group and version of our custom resources, and the validation patterns they share. */
public final class ApiGroup {
  public static final String GROUP = "seedbox.dev";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;
  /** kubectl expands a category before kinds, so it must equal no kind's name: `get seedbox x` would fail otherwise. */
  public static final String CATEGORY = "seedbox-all";

  /** A reference to another object in the namespace: a DNS-1123 subdomain. */
  public static final String DNS_1123_SUBDOMAIN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /** A fully qualified DNS name of at least two labels, lower case, as a web UI's certificate names it. */
  public static final String HOSTNAME =
      "^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$";

  /** Plan ids and region slugs: a DNS-1123 label. */
  public static final String DNS_1123_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  private ApiGroup() {
  }
}

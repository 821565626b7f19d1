package dev.seedbox.operator.https;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Seedbox's stable hostname under the base domain, from a template such as {@code {name}-{namespace}}: the same
 * Seedbox always gets the same name, two Seedboxes never share one, and every label is a valid DNS label (at most 63
 * characters of a-z, 0-9 and '-', not starting or ending with '-'). A label the template would make too long is cut
 * and given a hash of the whole, so it stays unique.
 */
public final class HostnameTemplate {

  public static final String DEFAULT = "{name}-{namespace}";
  static final int MAX_LABEL = 63;
  static final int MAX_NAME = 253;

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z]+)}");
  private static final Pattern LITERAL = Pattern.compile("[a-z0-9.-]*");
  private static final Pattern DNS_NAME =
      Pattern.compile("(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z]([a-z0-9-]{0,61}[a-z0-9])?");

  private final String template;

  private HostnameTemplate(String template) {
    this.template = template;
  }

  /** Checks the template; the problem, if any, names what is wrong with it. */
  public static HostnameTemplate parse(String template) {
    Matcher placeholders = PLACEHOLDER.matcher(template);
    boolean name = false;
    boolean namespace = false;
    while (placeholders.find()) {
      switch (placeholders.group(1)) {
        case "name" -> name = true;
        case "namespace" -> namespace = true;
        default -> throw new IllegalArgumentException("the hostname template knows {name} and {namespace}, found {"
            + placeholders.group(1) + "} in '" + template + "'");
      }
    }
    if (!name || !namespace) {
      // Seedboxes of the same name in two namespaces would otherwise share a hostname and its certificate
      throw new IllegalArgumentException("the hostname template must contain both {name} and {namespace}, found '"
          + template + "'");
    }
    String literal = PLACEHOLDER.matcher(template).replaceAll("");
    if (!LITERAL.matcher(literal).matches() || template.startsWith(".") || template.endsWith(".")
        || template.contains("..")) {
      throw new IllegalArgumentException("the hostname template may hold only a-z, 0-9, '-' and '.' besides its"
          + " placeholders, and no empty label, found '" + template + "'");
    }
    return new HostnameTemplate(template);
  }

  /** Whether {@code domain} is a DNS name the hostnames can go under, with room for a label of 16 characters. */
  public static boolean validDomain(String domain) {
    return DNS_NAME.matcher(domain).matches() && domain.contains(".") && domain.length() <= MAX_NAME - 17;
  }

  public String hostname(String name, String namespace, String baseDomain) {
    // Kubernetes names may hold dots; here they would make labels of their own
    String filled = template.replace("{name}", name.toLowerCase(Locale.ROOT).replace('.', '-'))
        .replace("{namespace}", namespace.toLowerCase(Locale.ROOT));
    StringBuilder host = new StringBuilder();
    for (String label : filled.split("\\.")) {
      host.append(label(label, filled, MAX_LABEL)).append('.');
    }
    String hostname = host.append(baseDomain).toString();
    if (hostname.length() > MAX_NAME) {
      // only a very long base domain gets here: one label for the whole Seedbox part
      hostname = label(filled.replace('.', '-'), filled, Math.min(MAX_LABEL, MAX_NAME - 1 - baseDomain.length()))
          + "." + baseDomain;
    }
    if (hostname.length() > MAX_NAME || !DNS_NAME.matcher(hostname).matches()) {
      throw new IllegalArgumentException("the hostname for " + namespace + "/" + name + " under " + baseDomain
          + " is not a valid DNS name: " + hostname);
    }
    return hostname;
  }

  private static String label(String label, String whole, int max) {
    String trimmed = label.replaceAll("^-+|-+$", "");
    if (trimmed.length() <= max && trimmed.equals(label) && !label.isEmpty()) {
      return label;
    }
    String hash = hash(whole);
    String head = trimmed.substring(0, Math.max(0, Math.min(trimmed.length(), max - hash.length() - 1)))
        .replaceAll("-+$", "");
    return head.isEmpty() ? hash : head + "-" + hash;
  }

  private static String hash(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public String toString() {
    return template;
  }
}

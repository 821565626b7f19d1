package dev.seedbox.hostchannel.https;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What {@code configure-https} sets up on a server for one slot: Caddy answering for {@code hostname} with a
 * certificate from the ACME directory, reverse-proxying to the client's web UI on 127.0.0.1.
 *
 * @param acmeCaRoot PEM certificates to trust for the ACME directory's own TLS, for a private ACME server such as
 *     a test's; empty for a public CA
 */
public record HttpsSite(String hostname, int webUiPort, URI acmeDirectory, Optional<String> acmeEmail,
    Optional<String> acmeCaRoot) {

  private static final Pattern HOSTNAME =
      Pattern.compile("(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?");

  public HttpsSite {
    Objects.requireNonNull(hostname, "hostname");
    if (!HOSTNAME.matcher(hostname).matches()) {
      throw new IllegalArgumentException("expected a lower-case DNS name with a dot, found '" + hostname + "'");
    }
    if (webUiPort < 1024 || webUiPort > 65535) {
      throw new IllegalArgumentException("expected a web UI port 1024-65535, found " + webUiPort);
    }
    if (!"https".equals(acmeDirectory.getScheme())) {
      throw new IllegalArgumentException("expected an https ACME directory URL, found " + acmeDirectory);
    }
    Objects.requireNonNull(acmeEmail, "acmeEmail");
    Objects.requireNonNull(acmeCaRoot, "acmeCaRoot");
  }

  /** The verb's arguments: the slot's own ({@code slot}, {@code client}) and this site's. */
  public Map<String, Object> args(Map<String, Object> slot) {
    Map<String, Object> args = new LinkedHashMap<>(slot);
    args.put("hostname", hostname);
    args.put("webUiPort", webUiPort);
    args.put("acmeDirectory", acmeDirectory.toString());
    acmeEmail.ifPresent(email -> args.put("acmeEmail", email));
    acmeCaRoot.ifPresent(root -> args.put("acmeCaRoot", root));
    return Map.copyOf(args);
  }

  /** The web UI's address as the customer uses it. */
  public URI webUiUrl() {
    return URI.create("https://" + hostname + "/");
  }
}

package dev.seedbox.hostchannel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The server side of the host channel: one script, shipped with the operator and versioned with it, installed
 * root-owned at {@link #PATH}; the admin user may run it through sudo and nothing else.
 */
public final class HostScript {

  public static final String PATH = "/usr/local/libexec/seedbox/seedbox-host";
  public static final int VERSION = 6;

  private static final Pattern ADMIN_USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");

  private HostScript() {
  }

  /** The script's text, to install on a server. */
  public static String text() {
    try (InputStream in = HostScript.class.getResourceAsStream("seedbox-host")) {
      if (in == null) {
        throw new IllegalStateException("the host script is missing from the operator's jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read the host script", e);
    }
  }

  /** The sudoers rule that lets the admin user run the host script as root, and nothing else. */
  public static String sudoersRule(String adminUser) {
    if (!ADMIN_USER.matcher(adminUser).matches()) {
      throw new IllegalArgumentException("expected a Unix user name, found '" + adminUser + "'");
    }
    return adminUser + " ALL=(root) NOPASSWD: " + PATH + "\n";
  }

  /**
   * The command line that installs the script read from stdin: written beside its place and moved there, so a server
   * never runs a half-written script.
   */
  static String installCommandLine() {
    String directory = PATH.substring(0, PATH.lastIndexOf('/'));
    String next = PATH + ".new";
    return "sudo -n sh -c 'umask 022 && mkdir -p " + directory + " && cat > " + next + " && chmod 0755 " + next
        + " && chown root:root " + next + " && mv " + next + " " + PATH + "'";
  }

  /** The command line for a verb: the only argument is the verb itself. */
  static String commandLine(HostVerb verb) {
    return "sudo -n " + PATH + " " + verb.wireName();
  }
}

package dev.seedbox.keys.onboarding;

import dev.seedbox.keys.key.OpenSshPublicKey;

/**
 * The one line a customer pastes on their server (POSIX sh, bash, dash, zsh) to authorise our public key.
 *
 * <p>It runs in a subshell with {@code umask 077}, so a missing {@code ~/.ssh} is created 700 and a missing
 * {@code authorized_keys} 600, while existing ones keep the modes the customer gave them. The key is appended only
 * if its {@code ssh-ed25519 <base64>} part is not in the file yet (whatever comment or options the line has), so
 * running the command twice leaves one line; a last line without a newline gets one first, so our key never glues
 * onto it. Every value from outside is single-quoted: nothing in a key or comment is expanded or executed.
 */
public final class OnboardingCommand {

  private OnboardingCommand() {
  }

  /** The command that adds {@code key} (with its comment) to the running user's {@code ~/.ssh/authorized_keys}. */
  public static String forKey(OpenSshPublicKey key) {
    String line = key.line();
    String keyPart = key.keyPart();
    return "(umask 077 && mkdir -p \"$HOME/.ssh\""
        + " && f=\"$HOME/.ssh/authorized_keys\" && touch \"$f\""
        + " && k=" + singleQuoted(keyPart)
        + " && l=" + singleQuoted(line)
        + " && if grep -qF -e \"$k\" \"$f\"; then echo 'seedbox key already authorised';"
        + " else { [ ! -s \"$f\" ] || [ -z \"$(tail -c 1 \"$f\")\" ] || echo >> \"$f\"; }"
        + " && printf '%s\\n' \"$l\" >> \"$f\" && echo 'seedbox key authorised'; fi)";
  }

  /** Quotes for POSIX sh: inside single quotes nothing is special, and a quote is closed, escaped and reopened. */
  static String singleQuoted(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }
}

package dev.seedbox.hostchannel;

import dev.seedbox.keys.key.SshKeyPair;
import java.util.Map;

/**
 * Runs one host command on a seedbox server. Implementations: {@link SshHostChannel} for real servers; an in-memory
 * host with the same contract serves the dev stack and the benchmarks.
 */
public interface HostChannel {

  /**
   * @param key our management key for this server (or the ByosConnection's)
   * @param args the verb's arguments, sent as one JSON object on stdin; values must be strings, numbers or booleans
   */
  HostReply run(HostTarget target, SshKeyPair key, HostVerb verb, Map<String, Object> args);

  /**
   * Makes sure the host script of this operator's version is installed on a server we did not create (a customer's
   * own), installing or upgrading it through the user's sudo. Servers we create get it from their user data.
   *
   * @return {@link HostReply.Done} with {@code installed} (whether it was written now) and {@code version};
   *     {@link HostReply.Refused} with {@code ByosSudoRequired} when the user cannot run sudo without a password,
   *     or {@code ByosUnsupportedOs} when the script cannot run there (no python3 and no apt to install it), or
   *     {@code HostScriptInstallFailed} when writing it (or installing python3) failed; a server whose script is
   *     already current answers Done with only the sudo rule for the script
   */
  HostReply ensureHostScript(HostTarget target, SshKeyPair key);
}

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
}

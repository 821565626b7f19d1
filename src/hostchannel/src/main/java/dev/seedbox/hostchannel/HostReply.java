package dev.seedbox.hostchannel;

import com.fasterxml.jackson.databind.JsonNode;

/** What a host command came to. Only {@link Unreachable} is worth retrying as it is: the scripts are idempotent. */
public sealed interface HostReply {

  String message();

  /** The script did what was asked; {@code body} is its JSON answer (never a password). */
  record Done(JsonNode body) implements HostReply {
    @Override
    public String message() {
      return "done";
    }
  }

  /** The script refused, with a reason of its own (CamelCase, e.g. {@code ClientNotInstalled}). */
  record Refused(String reason, String message) implements HostReply {
  }

  /** No answer: no connection, a handshake that did not finish, or a command that ran out of time. */
  record Unreachable(String message) implements HostReply {
  }

  /** The server presented another host key than the pinned one; our key was never offered. */
  record HostKeyMismatch(String pinned, String presented) implements HostReply {
    @Override
    public String message() {
      return "host key mismatch: expected " + pinned + ", the server presented " + presented;
    }
  }

  /** The server refused our key (the customer removed it, or cloud-init never installed it). */
  record AuthenticationRejected(String message) implements HostReply {
  }

  /** The address is one the operator must not connect to (loopback, link-local, cluster-internal). */
  record AddressRefused(String message) implements HostReply {
  }

  default boolean done() {
    return this instanceof Done;
  }
}

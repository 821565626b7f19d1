package dev.seedbox.hostchannel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.seedbox.keys.key.SshKeyPair;
import dev.seedbox.keys.verify.AddressCheck;
import dev.seedbox.keys.verify.AddressPolicy;
import dev.seedbox.keys.verify.HostResolver;
import dev.seedbox.keys.verify.SshSessions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host channel over SSH (Apache MINA SSHD). The pinned host key is checked during key exchange, so a server that
 * presents another key never sees ours. The host is resolved once and every address checked against the
 * {@link AddressPolicy}. The command line is fixed per verb; arguments travel as JSON on stdin.
 *
 * <p>A command with no answer is retried with back-off; the host script's verbs are idempotent, so a retry after a
 * lost answer does no second install. Every command is timed in {@code seedbox_host_commands_seconds} by verb and
 * outcome.
 */
public final class SshHostChannel implements HostChannel, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SshHostChannel.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_OUTPUT = 64 * 1024;

  /** How long each step may take and how often a command without an answer is tried. */
  public record Timeouts(Duration connect, Duration auth, Duration command, int attempts, Duration backoff) {

    public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(15),
        Duration.ofMinutes(10), 3, Duration.ofSeconds(2));

    public Timeouts {
      for (Duration d : List.of(connect, auth, command, backoff)) {
        if (d == null || d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException("expected positive host channel timeouts, found " + d);
        }
      }
      if (attempts < 1) {
        throw new IllegalArgumentException("expected at least one attempt, found " + attempts);
      }
    }
  }

  private final AddressPolicy policy;
  private final HostResolver resolver;
  private final Timeouts timeouts;
  private final MeterRegistry meters;
  private final SshClient client;
  /** The pin this connection must see, and the host key it saw: key exchange runs on an I/O thread, not ours. */
  private static final AttributeRepository.AttributeKey<String> PIN = new AttributeRepository.AttributeKey<>();
  private static final AttributeRepository.AttributeKey<AtomicReference<String>> PRESENTED =
      new AttributeRepository.AttributeKey<>();

  public SshHostChannel(AddressPolicy policy, HostResolver resolver, Timeouts timeouts, MeterRegistry meters) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
    this.meters = Objects.requireNonNull(meters, "meters");
    this.client = SshSessions.client((session, remote, serverKey) -> {
      AttributeRepository context = session.getConnectionContext();
      String found = SshSessions.fingerprint(serverKey);
      context.getAttribute(PRESENTED).set(found);
      return found.equals(context.getAttribute(PIN));
    });
    client.start();
  }

  @Override
  public HostReply run(HostTarget target, SshKeyPair key, HostVerb verb, Map<String, Object> args) {
    byte[] stdin = arguments(verb, args);
    Timer.Sample sample = Timer.start(meters);
    HostReply reply = null;
    for (int attempt = 1; attempt <= timeouts.attempts(); attempt++) {
      reply = once(target, key, verb, stdin);
      if (!(reply instanceof HostReply.Unreachable) || attempt == timeouts.attempts()) {
        break;
      }
      LOG.info("host {} {}: {}; trying again ({} of {})", target, verb.wireName(), reply.message(), attempt + 1,
          timeouts.attempts());
      if (!pause(timeouts.backoff().multipliedBy(1L << (attempt - 1)))) {
        break;
      }
    }
    sample.stop(meters.timer("seedbox.host.commands", "verb", verb.wireName(), "outcome", outcome(reply)));
    if (reply.done()) {
      LOG.debug("host {} {}: done", target, verb.wireName());
    } else {
      LOG.warn("host {} {}: {}", target, verb.wireName(), reply.message());
    }
    return reply;
  }

  @Override
  public HostReply ensureHostScript(HostTarget target, SshKeyPair key) {
    throw new UnsupportedOperationException("installing the host script over SSH is being built on branch byos-host");
  }

  private HostReply once(HostTarget target, SshKeyPair key, HostVerb verb, byte[] stdin) {
    AddressCheck check = AddressCheck.of(policy, resolver, target.host());
    if (check instanceof AddressCheck.Unresolvable unresolvable) {
      return new HostReply.Unreachable(unresolvable.message());
    }
    if (check instanceof AddressCheck.Refused refused) {
      return new HostReply.AddressRefused(refused.message());
    }
    KeyPair identity = SshSessions.identity(key.privateKey());
    HostReply reply = null;
    for (InetAddress address : ((AddressCheck.Allowed) check).addresses()) {
      reply = exec(target, address, identity, verb, stdin);
      if (!(reply instanceof HostReply.Unreachable)) {
        break;
      }
    }
    return reply;
  }

  private HostReply exec(HostTarget target, InetAddress address, KeyPair identity, HostVerb verb, byte[] stdin) {
    String where = address.getHostAddress() + " port " + target.port();
    AtomicReference<String> seen = new AtomicReference<>();
    AttributeRepository context = AttributeRepository.ofAttributesMap(
        Map.of(PIN, target.hostKeyFingerprint(), PRESENTED, seen));
    try {
      ConnectFuture connect = client.connect(target.user(), new InetSocketAddress(address, target.port()), context,
          null);
      if (!connect.await(timeouts.connect())) {
        connect.cancel();
        return new HostReply.Unreachable("timed out after " + timeouts.connect() + " connecting to " + where);
      }
      if (!connect.isConnected()) {
        return new HostReply.Unreachable("could not connect to " + where + ": "
            + SshSessions.describe(connect.getException()));
      }
      try (ClientSession session = connect.getSession()) {
        session.addPublicKeyIdentity(identity);
        try {
          session.auth().verify(timeouts.auth());
        } catch (IOException e) {
          HostReply mismatch = mismatch(target, seen.get());
          if (mismatch != null) {
            return mismatch;
          }
          if (seen.get() != null && session.isOpen()) {
            return new HostReply.AuthenticationRejected("the server at " + where + " refused our key for user "
                + target.user());
          }
          return new HostReply.Unreachable("SSH handshake with " + where + " failed: " + SshSessions.describe(e));
        }
        return command(session, where, verb, stdin);
      }
    } catch (IOException e) {
      HostReply mismatch = mismatch(target, seen.get());
      return mismatch != null ? mismatch
          : new HostReply.Unreachable("SSH session with " + where + " failed: " + SshSessions.describe(e));
    }
  }

  private HostReply command(ClientSession session, String where, HostVerb verb, byte[] stdin) throws IOException {
    ByteArrayOutputStream out = new BoundedOutput();
    ByteArrayOutputStream err = new BoundedOutput();
    try (ChannelExec channel = session.createExecChannel(HostScript.commandLine(verb))) {
      channel.setIn(new ByteArrayInputStream(stdin));
      channel.setOut(out);
      channel.setErr(err);
      channel.open().verify(timeouts.connect());
      var events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeouts.command());
      if (!events.contains(ClientChannelEvent.CLOSED)) {
        return new HostReply.Unreachable(verb.wireName() + " on " + where + " gave no answer within "
            + timeouts.command());
      }
      return answer(verb, channel.getExitStatus(), out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8));
    }
  }

  /** Reads the script's one-line JSON answer; sudo's own refusals arrive on stderr without one. */
  static HostReply answer(HostVerb verb, Integer exitStatus, String stdout, String stderr) {
    String last = lastLine(stdout);
    JsonNode body = null;
    if (!last.isEmpty()) {
      try {
        body = JSON.readTree(last);
      } catch (JsonProcessingException e) {
        body = null;
      }
    }
    if (body != null && body.isObject() && body.has("ok")) {
      if (body.path("ok").asBoolean(false) && Integer.valueOf(0).equals(exitStatus)) {
        int version = body.path("version").asInt(0);
        if (version != HostScript.VERSION) {
          return new HostReply.Refused("HostScriptOutdated", "the server's host script is version " + version
              + "; expected " + HostScript.VERSION);
        }
        return new HostReply.Done(body);
      }
      return new HostReply.Refused(body.path("reason").asText("HostCommandFailed"),
          body.path("message").asText(verb.wireName() + " failed"));
    }
    String firstError = lastLine(stderr);
    if (firstError.startsWith("sudo:")) {
      return new HostReply.Refused("SudoRefused", "sudo refused the host script: " + clip(firstError));
    }
    return new HostReply.Refused("HostScriptMissing", verb.wireName() + " exited " + exitStatus
        + " without an answer" + (firstError.isEmpty() ? "" : ": " + clip(firstError)));
  }

  private static HostReply mismatch(HostTarget target, String presented) {
    return presented != null && !presented.equals(target.hostKeyFingerprint())
        ? new HostReply.HostKeyMismatch(target.hostKeyFingerprint(), presented) : null;
  }

  private static byte[] arguments(HostVerb verb, Map<String, Object> args) {
    for (Map.Entry<String, Object> e : args.entrySet()) {
      Object v = e.getValue();
      if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
        throw new IllegalArgumentException("host command " + verb.wireName() + ": argument '" + e.getKey()
            + "' must be a string, number or boolean");
      }
    }
    try {
      return JSON.writeValueAsBytes(args);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("host command " + verb.wireName() + ": arguments are not JSON-writable");
    }
  }

  private static String outcome(HostReply reply) {
    if (reply instanceof HostReply.Done) {
      return "done";
    }
    if (reply instanceof HostReply.Refused refused) {
      return refused.reason();
    }
    return reply.getClass().getSimpleName();
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    return lines.length == 0 ? "" : lines[lines.length - 1].strip();
  }

  private static String clip(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "…";
  }

  private static boolean pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    client.stop();
  }

  /** Keeps the first 64 KiB: the answer is one short line, and a runaway command must not fill the heap. */
  private static final class BoundedOutput extends ByteArrayOutputStream {
    @Override
    public synchronized void write(byte[] b, int off, int len) {
      int room = MAX_OUTPUT - count;
      if (room > 0) {
        super.write(b, off, Math.min(room, len));
      }
    }

    @Override
    public synchronized void write(int b) {
      if (count < MAX_OUTPUT) {
        super.write(b);
      }
    }
  }
}

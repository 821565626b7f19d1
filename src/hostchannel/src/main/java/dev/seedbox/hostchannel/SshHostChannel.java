package dev.seedbox.hostchannel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * {@link AddressPolicy}. The command line is fixed per verb; arguments travel as JSON on stdin. Installing the host
 * script on a customer's server runs fixed command lines too, with the script's text on stdin.
 *
 * <p>A command with no answer is retried with back-off; the host script's verbs are idempotent, so a retry after a
 * lost answer does no second install. Every command is timed in {@code seedbox_host_commands_seconds} by verb and
 * outcome.
 */
public final class SshHostChannel implements HostChannel, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SshHostChannel.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_OUTPUT = 64 * 1024;
  private static final byte[] NO_INPUT = new byte[0];
  /** The timer's verb tag for {@link #ensureHostScript}, which runs several fixed commands on one session. */
  static final String ENSURE_HOST_SCRIPT = "ensure-host-script";
  private static final String SUDO_CHECK = "sudo -n true";
  private static final String PYTHON_CHECK = "command -v python3";
  private static final String APT_CHECK = "command -v apt-get";
  private static final String PYTHON_INSTALL = "sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y "
      + "--no-install-recommends python3";

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
    return timed(target, key, verb.wireName(), (session, where) -> {
      Output output = exec(session, where, verb.wireName(), HostScript.commandLine(verb), stdin);
      return answer(verb, output.exitStatus(), output.stdout(), output.stderr());
    });
  }

  /**
   * The version is asked first, so a server whose script is current needs no more than the sudo rule for the script
   * (a server we created, or a customer who narrowed sudo after onboarding); only writing the script needs full sudo.
   */
  @Override
  public HostReply ensureHostScript(HostTarget target, SshKeyPair key) {
    return timed(target, key, ENSURE_HOST_SCRIPT, (session, where) -> {
      HostReply current = installedScript(session, where);
      if (current.done()) {
        return ensured(current, false);
      }
      Output sudo = exec(session, where, ENSURE_HOST_SCRIPT, SUDO_CHECK, NO_INPUT);
      if (!sudo.succeeded()) {
        return new HostReply.Refused("ByosSudoRequired", "user " + target.user() + " on " + target.host()
            + " cannot run sudo without a password: " + clip(lastLine(sudo.stderr())));
      }
      HostReply python = ensurePython(session, where, target);
      if (python != null) {
        return python;
      }
      Output write = exec(session, where, ENSURE_HOST_SCRIPT, HostScript.installCommandLine(),
          HostScript.text().getBytes(StandardCharsets.UTF_8));
      if (!write.succeeded()) {
        return installFailed("writing " + HostScript.PATH + " on " + target.host(), write);
      }
      HostReply written = installedScript(session, where);
      return written.done() ? ensured(written, true)
          : new HostReply.Refused("HostScriptInstallFailed", "the host script was written to " + HostScript.PATH
              + " on " + target.host() + " but does not answer: " + written.message());
    });
  }

  private HostReply installedScript(ClientSession session, String where) throws IOException {
    Output version = exec(session, where, ENSURE_HOST_SCRIPT, HostScript.commandLine(HostVerb.VERSION), NO_INPUT);
    return answer(HostVerb.VERSION, version.exitStatus(), version.stdout(), version.stderr());
  }

  /** Null when python3 is there or was installed now; the host script needs nothing else that Debian lacks. */
  private HostReply ensurePython(ClientSession session, String where, HostTarget target) throws IOException {
    if (exec(session, where, ENSURE_HOST_SCRIPT, PYTHON_CHECK, NO_INPUT).succeeded()) {
      return null;
    }
    if (!exec(session, where, ENSURE_HOST_SCRIPT, APT_CHECK, NO_INPUT).succeeded()) {
      return new HostReply.Refused("ByosUnsupportedOs", "the server at " + target.host() + " has neither python3 nor "
          + "apt-get to install it; a seedbox needs Debian or Ubuntu");
    }
    Output install = exec(session, where, ENSURE_HOST_SCRIPT, PYTHON_INSTALL, NO_INPUT);
    return install.succeeded() ? null : installFailed("installing python3 on " + target.host(), install);
  }

  private static HostReply installFailed(String what, Output output) {
    String tail = lastLine(output.stderr()).isEmpty() ? lastLine(output.stdout()) : lastLine(output.stderr());
    return new HostReply.Refused("HostScriptInstallFailed", what + " exited " + output.exitStatus()
        + (tail.isEmpty() ? "" : ": " + clip(tail)));
  }

  private static HostReply ensured(HostReply version, boolean installed) {
    ObjectNode body = ((HostReply.Done) version).body().deepCopy();
    body.put("installed", installed);
    return new HostReply.Done(body);
  }

  /** Runs {@code work} on a logged-in session, retrying Unreachable with back-off, timed under {@code tag}. */
  private HostReply timed(HostTarget target, SshKeyPair key, String tag, SessionWork work) {
    Timer.Sample sample = Timer.start(meters);
    HostReply reply = null;
    for (int attempt = 1; attempt <= timeouts.attempts(); attempt++) {
      reply = once(target, key, work);
      if (!(reply instanceof HostReply.Unreachable) || attempt == timeouts.attempts()) {
        break;
      }
      LOG.info("host {} {}: {}; trying again ({} of {})", target, tag, reply.message(), attempt + 1,
          timeouts.attempts());
      if (!pause(timeouts.backoff().multipliedBy(1L << (attempt - 1)))) {
        break;
      }
    }
    sample.stop(meters.timer("seedbox.host.commands", "verb", tag, "outcome", outcome(reply)));
    if (reply.done()) {
      LOG.debug("host {} {}: done", target, tag);
    } else {
      LOG.warn("host {} {}: {}", target, tag, reply.message());
    }
    return reply;
  }

  private HostReply once(HostTarget target, SshKeyPair key, SessionWork work) {
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
      reply = session(target, address, identity, work);
      if (!(reply instanceof HostReply.Unreachable)) {
        break;
      }
    }
    return reply;
  }

  /** Connects to one address, checks the pin during key exchange, logs in and hands the session to {@code work}. */
  private HostReply session(HostTarget target, InetAddress address, KeyPair identity, SessionWork work) {
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
        return work.on(session, where);
      }
    } catch (NoAnswer e) {
      return new HostReply.Unreachable(e.getMessage());
    } catch (IOException e) {
      HostReply mismatch = mismatch(target, seen.get());
      return mismatch != null ? mismatch
          : new HostReply.Unreachable("SSH session with " + where + " failed: " + SshSessions.describe(e));
    }
  }

  /** Runs one fixed command line; {@code stdin} is never logged, and the output kept is bounded. */
  private Output exec(ClientSession session, String where, String tag, String commandLine, byte[] stdin)
      throws IOException {
    ByteArrayOutputStream out = new BoundedOutput();
    ByteArrayOutputStream err = new BoundedOutput();
    try (ChannelExec channel = session.createExecChannel(commandLine)) {
      channel.setIn(new ByteArrayInputStream(stdin));
      channel.setOut(out);
      channel.setErr(err);
      channel.open().verify(timeouts.connect());
      var events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeouts.command());
      if (!events.contains(ClientChannelEvent.CLOSED)) {
        throw new NoAnswer(tag + " on " + where + " gave no answer within " + timeouts.command());
      }
      return new Output(channel.getExitStatus(), out.toString(StandardCharsets.UTF_8),
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
    // a user whose sudo allows every command, on a customer's server the script was never installed on
    if (firstError.startsWith("sudo:") && firstError.endsWith("command not found")) {
      return new HostReply.Refused("HostScriptMissing", "the host script is not installed at " + HostScript.PATH
          + ": " + clip(firstError));
    }
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

  /** What a logged-in session is used for: one host command, or the steps of installing the host script. */
  @FunctionalInterface
  private interface SessionWork {
    HostReply on(ClientSession session, String where) throws IOException;
  }

  private record Output(Integer exitStatus, String stdout, String stderr) {
    boolean succeeded() {
      return Integer.valueOf(0).equals(exitStatus);
    }
  }

  /** The command ran out of time: like no connection, worth another attempt, since every step is idempotent. */
  private static final class NoAnswer extends IOException {
    NoAnswer(String message) {
      super(message);
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

package dev.seedbox.keys.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.keys.key.Ed25519Keys;
import dev.seedbox.keys.key.SshKeyPair;
import dev.seedbox.keys.testing.Commands;
import dev.seedbox.keys.testing.InProcessSshServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshVerifierTest {

  private static final String USER = "seedbox";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Ed25519Keys KEYS = new Ed25519Keys();
  private static final AddressPolicy ALLOW_TEST_SERVER = new AddressPolicy(List.of(Cidr.parse("127.0.0.1/32")));

  private static InProcessSshServer server;
  private static SshKeyPair authorised;

  private final SshVerifier verifier = new SshVerifier(ALLOW_TEST_SERVER, HostResolver.SYSTEM, TIMEOUT, TIMEOUT);

  @BeforeAll
  static void startServer() {
    server = InProcessSshServer.start();
    authorised = KEYS.generate("seedbox:tenant-a/home#0");
    server.authorize(USER, authorised.publicKey().line());
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private SshTarget target;

  @BeforeEach
  void setUp() {
    target = new SshTarget(server.host(), server.port(), USER);
  }

  @Test
  void theAuthorisedKeyConnectsAndReportsTheServersHostKey() {
    VerificationResult result = verifier.verify(target, authorised, null);

    assertThat(result).isEqualTo(new VerificationResult.Connected(server.hostKeyFingerprint()));
  }

  @Test
  void reportsTheHostKeyFingerprintAsSshKeygenPrintsIt(@TempDir Path dir) throws Exception {
    Path pub = Files.writeString(dir.resolve("host.pub"), server.hostKeyLine() + " host\n");
    Commands.Result keygen = Commands.run("/usr/bin/ssh-keygen", "-lf", pub.toString());

    VerificationResult result = verifier.verify(target, authorised, null);

    assertThat(keygen.stdout()).startsWith("256 " + ((VerificationResult.Connected) result).hostKeyFingerprint()
        + " host (ED25519)");
  }

  @Test
  void aPinnedHostKeyThatMatchesConnects() {
    VerificationResult result = verifier.verify(target, authorised, server.hostKeyFingerprint());

    assertThat(result).isInstanceOf(VerificationResult.Connected.class);
  }

  @Test
  void anUnauthorisedKeyIsRejectedWithAMessageSayingWhatToDo() {
    SshKeyPair stranger = KEYS.generate("seedbox:tenant-a/other#0");

    VerificationResult result = verifier.verify(target, stranger, null);

    assertThat(result).isEqualTo(new VerificationResult.AuthenticationRejected(USER,
        stranger.publicKey().fingerprint(), server.hostKeyFingerprint()));
    assertThat(result.message()).isEqualTo("the server rejected our key " + stranger.publicKey().fingerprint()
        + " for user 'seedbox'; run the onboarding command on the server as that user");
    assertThat(server.attempts()).contains(
        new InProcessSshServer.Attempt(USER, stranger.publicKey().fingerprint(), false));
  }

  @Test
  void anotherUserIsRejectedEvenWithTheAuthorisedKey() {
    VerificationResult result = verifier.verify(new SshTarget(server.host(), server.port(), "root"), authorised,
        null);

    assertThat(result).isInstanceOf(VerificationResult.AuthenticationRejected.class);
  }

  @Test
  void aChangedHostKeyIsAMismatchAndOurKeyIsNeverOffered() {
    try (InProcessSshServer reinstalled = InProcessSshServer.start()) {
      reinstalled.authorize(USER, authorised.publicKey().line());
      String pinned = reinstalled.hostKeyFingerprint();
      reinstalled.replaceHostKey();

      VerificationResult result = verifier.verify(new SshTarget(reinstalled.host(), reinstalled.port(), USER),
          authorised, pinned);

      assertThat(result).isEqualTo(new VerificationResult.HostKeyMismatch(pinned,
          reinstalled.hostKeyFingerprint()));
      assertThat(result.message()).startsWith("host key mismatch: expected " + pinned + ", found "
          + reinstalled.hostKeyFingerprint());
      assertThat(reinstalled.attempts()).isEmpty();
    }
  }

  @Test
  void loopbackIsRefusedWithoutAnAllowListAndNothingIsSent() {
    try (InProcessSshServer untouched = InProcessSshServer.start()) {
      untouched.authorize(USER, authorised.publicKey().line());

      VerificationResult result = new SshVerifier(AddressPolicy.strict(), HostResolver.SYSTEM, TIMEOUT, TIMEOUT)
          .verify(new SshTarget(untouched.host(), untouched.port(), USER), authorised, null);

      assertThat(result).isEqualTo(new VerificationResult.AddressRefused("refusing host '127.0.0.1': 127.0.0.1 "
          + "is a loopback address and not in SEEDBOX_SSH_ALLOWED_ADDRESSES"));
      assertThat(untouched.attempts()).isEmpty();
    }
  }

  @Test
  void aNameIsRefusedIfAnyOfItsAddressesIsInternal() throws Exception {
    HostResolver split = host -> List.of(InetAddress.getByName("203.0.113.7"),
        InetAddress.getByName("169.254.169.254"));

    VerificationResult result = new SshVerifier(ALLOW_TEST_SERVER, split, TIMEOUT, TIMEOUT)
        .verify(new SshTarget("byos.customer.example", 22, USER), authorised, null);

    assertThat(result).isEqualTo(new VerificationResult.AddressRefused("refusing host 'byos.customer.example': "
        + "169.254.169.254 is the cloud metadata service and not in SEEDBOX_SSH_ALLOWED_ADDRESSES"));
  }

  @Test
  void connectsToTheAddressItCheckedAndResolvesTheNameOnlyOnce() {
    // a name no DNS knows: connecting by name would fail, so success proves we used the checked address
    AtomicInteger lookups = new AtomicInteger();
    HostResolver once = host -> {
      lookups.incrementAndGet();
      return List.of(InetAddress.getByName("127.0.0.1"));
    };

    VerificationResult result = new SshVerifier(ALLOW_TEST_SERVER, once, TIMEOUT, TIMEOUT)
        .verify(new SshTarget("byos.customer.invalid", server.port(), USER), authorised, null);

    assertThat(result).isInstanceOf(VerificationResult.Connected.class);
    assertThat(lookups).hasValue(1);
  }

  @Test
  void aClosedPortIsUnreachable() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closed = socket.getLocalPort();
    }

    VerificationResult result = verifier.verify(new SshTarget("127.0.0.1", closed, USER), authorised, null);

    assertThat(result).isInstanceOf(VerificationResult.Unreachable.class);
    assertThat(result.message()).startsWith("unreachable: could not connect to 127.0.0.1 port " + closed);
  }

  @Test
  void anUnknownHostIsUnreachable() {
    VerificationResult result = verifier.verify(new SshTarget("no-such-host.invalid", 22, USER), authorised, null);

    assertThat(result).isEqualTo(new VerificationResult.Unreachable("cannot resolve host 'no-such-host.invalid'"));
  }

  @Test
  void aServerThatNeverSpeaksSshTimesOut() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Duration short1 = Duration.ofMillis(500);

      VerificationResult result = new SshVerifier(ALLOW_TEST_SERVER, HostResolver.SYSTEM, short1, short1)
          .verify(new SshTarget("127.0.0.1", silent.getLocalPort(), USER), authorised, null);

      assertThat(result).isInstanceOf(VerificationResult.Unreachable.class);
      assertThat(result.message()).contains("timed out after PT0.5S");
    }
  }
}

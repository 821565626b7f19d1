package dev.seedbox.operator.seedbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.v1alpha1.ByosConnection;
import dev.seedbox.api.v1alpha1.ByosConnectionSpec;
import dev.seedbox.api.v1alpha1.ByosPhase;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.api.v1alpha1.SeedboxStatus;
import dev.seedbox.hostchannel.ClientProbe;
import dev.seedbox.hostchannel.realhost.NetnsHost;
import dev.seedbox.hostchannel.webui.LoginCheck;
import dev.seedbox.hostchannel.webui.QbittorrentWebUi;
import dev.seedbox.keys.key.Ed25519Keys;
import dev.seedbox.ledger.testing.MutableClock;
import dev.seedbox.operator.harness.OperatorFixture;
import dev.seedbox.operator.host.ManagedServers;
import dev.seedbox.operator.host.OwnServers;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real-host lane for seedboxes on a customer's own server, end to end through the operator: Debian's OpenSSH in
 * a network namespace with no script of ours, users the customer made (one with passwordless sudo, one without),
 * the ByosConnection verified over SSH, and qBittorrent installed, logged in to, suspended, resumed and removed
 * over the host channel while the ledger shows what is charged and held. Where the machine cannot run it, it says so
 * loudly and is skipped; under CI it fails instead.
 */
class SeedboxOnCustomerServerLaneTest extends SeedboxScenario {

  static final MutableClock CLOCK = clockFromNow();
  static final long FEE = 400;
  private static final QbittorrentWebUi CUSTOMER = new QbittorrentWebUi(
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build(), Duration.ofSeconds(5));

  @RegisterExtension
  static final OperatorFixture harness = new OperatorFixture(CLOCK, OperatorFixture.testProviderOptions(),
      OperatorFixture.TEST_TIMING.withHostChecks(Duration.ofSeconds(1), Duration.ofMinutes(15)))
      .withRealCustomerServers(NetnsHost.ADDRESSES);

  private static NetnsHost server;
  private static String sudoer;
  private static String plainUser;
  private static final java.util.List<String> SLOTS = new java.util.concurrent.CopyOnWriteArrayList<>();

  SeedboxOnCustomerServerLaneTest() {
    super(harness, CLOCK);
  }

  @BeforeAll
  static void startServer() {
    NetnsHost.requireLane("REAL-HOST LANE", NetnsHost.unavailable());
    server = new NetnsHost().startCustomerServer();
    Ed25519Keys keys = new Ed25519Keys();
    // the users are made with a key of their own; the connection's key is authorised when its status shows it
    sudoer = server.addUser(keys.generate("customer-own-key"), true);
    plainUser = server.addUser(keys.generate("customer-own-key-2"), false);
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
      SLOTS.forEach(NetnsHost::removeSlot);
    }
  }

  @Test
  void aCustomersServerGetsWorkingSeedboxesWhereItCanAndNothingIsChargedWhereItCannot() throws Exception {
    String ns = namespace();
    String account = account(ns, "acme", 2000, 7);

    // a user without sudo: the server cannot take a seedbox, and nothing is charged
    connect(ns, "plain", plainUser);
    create(ownServerSeedbox(ns, "refused", "plain"));
    Seedbox refused = awaitSeedbox(ns, "refused", sb -> hasCondition(sb, SeedboxStatus.READY, "ByosSudoRequired"));
    assertThat(refused.getStatus().getPhase()).isEqualTo(Phase.PENDING);
    assertThat(balance(account)).isEqualTo(2000);
    delete(ns, "refused");
    awaitGone(ns, "refused");

    // with passwordless sudo, but a port the operator picks is taken by something else
    String line = connect(ns, "home", sudoer).getStatus().getPublicKey();
    int busy = nextFreePort(server.address());
    Seedbox films;
    try (AutoCloseable listener = server.occupyPort(busy)) {
      SLOTS.add(ManagedServers.slotName(create(ownServerSeedbox(ns, "films", "home")).getMetadata().getUid()));
      Seedbox blocked = waitingLong(ns, "films", sb -> hasCondition(sb, SeedboxStatus.READY, "ByosPortInUse"));
      assertThat(condition(blocked, SeedboxStatus.READY).getMessage()).contains(Integer.toString(busy));
      assertThat(balance(account)).isEqualTo(2000);
    }
    films = waitingLong(ns, "films", sb -> sb.getStatus().getPhase() == Phase.ACTIVE);
    assertThat(balance(account)).isEqualTo(2000 - FEE);

    SLOTS.add(ManagedServers.slotName(create(ownServerSeedbox(ns, "music", "home")).getMetadata().getUid()));
    Seedbox music = waitingLong(ns, "music", sb -> sb.getStatus().getPhase() == Phase.ACTIVE);
    assertThat(films.getStatus().getEndpoint().getWebUiUrl()).isNotEqualTo(music.getStatus().getEndpoint()
        .getWebUiUrl());
    assertThat(customerLogin(films, currentPassword(ns, "films"))).isInstanceOf(LoginCheck.Accepted.class);
    assertThat(customerLogin(music, currentPassword(ns, "music"))).isInstanceOf(LoginCheck.Accepted.class);
    assertThat(customerLogin(films, currentPassword(ns, "music"))).isInstanceOf(LoginCheck.Rejected.class);

    // suspend stops the client (its port refuses), resume brings the login back; the neighbour keeps running
    edit(ns, "films", sb -> {
      sb.getSpec().setSuspend(true);
      return sb;
    });
    waitingLong(ns, "films", sb -> sb.getStatus().getPhase() == Phase.SUSPENDED);
    assertThat(customerLogin(films, currentPassword(ns, "films"))).isInstanceOf(LoginCheck.Unreachable.class);
    assertThat(customerLogin(music, currentPassword(ns, "music"))).isInstanceOf(LoginCheck.Accepted.class);
    edit(ns, "films", sb -> {
      sb.getSpec().setSuspend(false);
      return sb;
    });
    waitingLong(ns, "films", sb -> sb.getStatus().getPhase() == Phase.ACTIVE && ready(sb));
    assertThat(customerLogin(films, currentPassword(ns, "films"))).isInstanceOf(LoginCheck.Accepted.class);

    // the customer removes our key: Ready=False, billing held; the key back: both recover
    String musicUid = music.getMetadata().getUid();
    server.deauthorize(sudoer);
    Seedbox held = waitingLong(ns, "music", sb -> !ready(sb) && row(musicUid).managementHold());
    assertThat(condition(held, SeedboxStatus.READY).getReason()).isIn(ClientProbe.HOST_ACCESS_REFUSED,
        OwnServers.CONNECTION_NOT_CONNECTED);
    server.authorize(sudoer, line);
    waitingLong(ns, "music", sb -> ready(sb) && !row(musicUid).managementHold());

    // terminate: the unit and the user go, the downloads stay
    String slot = ManagedServers.slotName(films.getMetadata().getUid());
    Path kept = NetnsHost.dataDirectory(slot).resolve("downloads").resolve("customer-file.txt");
    Files.writeString(kept, "the customer's download");
    assertThat(NetnsHost.unitFile(slot)).exists();
    assertThat(NetnsHost.userExists(slot)).isTrue();
    delete(ns, "films");
    waiting(Duration.ofSeconds(60)).until(() -> fetch(ns, "films") == null);
    assertThat(NetnsHost.unitFile(slot)).doesNotExist();
    assertThat(NetnsHost.userExists(slot)).isFalse();
    assertThat(kept).hasContent("the customer's download");
    assertThat(customerLogin(music, currentPassword(ns, "music"))).isInstanceOf(LoginCheck.Accepted.class);

    delete(ns, "music");
    waiting(Duration.ofSeconds(60)).until(() -> fetch(ns, "music") == null);
  }

  // ---- helpers

  /** A ByosConnection to the server as {@code user}, whose key the customer then authorises there. */
  private ByosConnection connect(String ns, String name, String user) {
    ByosConnectionSpec spec = new ByosConnectionSpec();
    spec.setHost(server.address());
    spec.setPort(22);
    spec.setUser(user);
    ByosConnection resource = new ByosConnection();
    resource.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    resource.setSpec(spec);
    harness.client().resource(resource).create();
    ByosConnection awaiting = awaitConnection(ns, name, c -> c.getStatus().getPublicKey() != null);
    server.authorize(user, awaiting.getStatus().getPublicKey());
    return awaitConnection(ns, name, c -> c.getStatus().getPhase() == ByosPhase.CONNECTED);
  }

  private ByosConnection awaitConnection(String ns, String name, java.util.function.Predicate<ByosConnection> ok) {
    return awaitConnection(ns, name, Duration.ofSeconds(30), ok);
  }

  private Seedbox waitingLong(String ns, String name, java.util.function.Predicate<Seedbox> condition) {
    return waiting(Duration.ofSeconds(90)).until(() -> fetch(ns, name),
        sb -> sb != null && sb.getStatus() != null && condition.test(sb));
  }

  private LoginCheck customerLogin(Seedbox sb, String password) {
    return CUSTOMER.login(URI.create(sb.getStatus().getEndpoint().getWebUiUrl()), WebUiSecret.WEB_UI_USER, password);
  }
}

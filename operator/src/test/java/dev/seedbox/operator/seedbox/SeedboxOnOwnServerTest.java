package dev.seedbox.operator.seedbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.v1alpha1.ByosConnection;
import dev.seedbox.api.v1alpha1.ByosConnectionSpec;
import dev.seedbox.api.v1alpha1.ByosPhase;
import dev.seedbox.api.v1alpha1.DataOnTermination;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.api.v1alpha1.SeedboxStatus;
import dev.seedbox.hostchannel.ClientProbe;
import dev.seedbox.hostchannel.inmemory.InMemoryHost;
import dev.seedbox.hostchannel.inmemory.InMemoryHost.Fault;
import dev.seedbox.hostchannel.webui.LoginCheck;
import dev.seedbox.keys.key.OpenSshPublicKey;
import dev.seedbox.ledger.testing.MutableClock;
import dev.seedbox.operator.harness.OperatorFixture;
import dev.seedbox.operator.host.OwnServers;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Seedboxes on the customer's own server: the ByosConnection is verified for real over SSH (an in-process server on
 * loopback), the Seedbox's client is managed on the in-memory host that stands for the customer's server. The
 * preflight comes before any charge; several Seedboxes share one server on ports of their own; losing the
 * connection holds billing and recovers by itself.
 */
class SeedboxOnOwnServerTest extends SeedboxScenario {

  static final MutableClock CLOCK = clockFromNow();
  static final long FEE = 400;
  static final String USER = CUSTOMER_USER;

  @RegisterExtension
  static final OperatorFixture harness = new OperatorFixture(CLOCK, OperatorFixture.testProviderOptions(),
      OperatorFixture.TEST_TIMING.withHostChecks(Duration.ofMillis(300), Duration.ofMinutes(15)))
      .withCustomerServers();

  SeedboxOnOwnServerTest() {
    super(harness, CLOCK);
  }

  @AfterEach
  void clearFaults() {
    host().clear(server());
  }

  @Test
  void theClientIsInstalledOnTheCustomersServerAndTheFeeChargedOnlyAfterThePreflight() {
    String ns = namespace();
    String account = account(ns, "acme", 1000, 7);
    connect(ns, "home");
    host().inject(server(), Fault.NO_SUDO);
    Seedbox created = create(ownServerSeedbox(ns, "box", "home"));
    String uid = created.getMetadata().getUid();

    Seedbox refused = awaitSeedbox(ns, "box", sb -> hasCondition(sb, SeedboxStatus.READY, "ByosSudoRequired"));
    assertThat(refused.getStatus().getPhase()).isEqualTo(Phase.PENDING);
    assertThat(condition(refused, SeedboxStatus.READY).getMessage()).contains("cannot run sudo");
    assertThat(balance(account)).as("nothing charged while the server cannot take it").isEqualTo(1000);

    host().clear(server());
    Seedbox active = awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(15));
    assertThat(balance(account)).isEqualTo(1000 - FEE);
    assertThat(active.getStatus().getProviderRef()).isEqualTo("byos:home");
    URI webUi = URI.create(active.getStatus().getEndpoint().getWebUiUrl());
    assertThat(webUi.getHost()).isEqualTo(server());
    assertThat(webUi.getPort()).isBetween(20000, 29999);
    assertThat(host().slots(server())).containsEntry(slot(uid), webUi.getPort());
    assertThat(loginOwn(active, currentPassword(ns, "box"))).isInstanceOf(LoginCheck.Accepted.class);
    assertThat(loginOwn(active, "not-the-password-at-all")).isInstanceOf(LoginCheck.Rejected.class);
    assertThat(auditActions(uid)).contains("byos.host-port-allocated", "seedbox.transition");
    assertThat(ready(active)).isTrue();
  }

  @Test
  void aServerThatCannotTakeTheSeedboxSaysWhyAndNothingIsCharged() {
    String ns = namespace();
    String account = account(ns, "acme", 1000, 7);
    connect(ns, "home");
    host().inject(server(), Fault.DISK_TOO_SMALL);
    create(ownServerSeedbox(ns, "box", "home"));
    awaitSeedbox(ns, "box", sb -> hasCondition(sb, SeedboxStatus.READY, "ByosDiskTooSmall"));
    host().inject(server(), Fault.UNSUPPORTED_OS);
    awaitSeedbox(ns, "box", sb -> hasCondition(sb, SeedboxStatus.READY, "ByosUnsupportedOs"));
    assertThat(balance(account)).isEqualTo(1000);
    assertThat(fetch(ns, "box").getStatus().getPhase()).isEqualTo(Phase.PENDING);

    // cancelled while pending: the ports reserved for the preflight are given back
    String uid = fetch(ns, "box").getMetadata().getUid();
    assertThat(heldPorts(uid)).hasSize(2);
    delete(ns, "box");
    awaitGone(ns, "box");
    assertThat(heldPorts(uid)).isEmpty();
    assertThat(balance(account)).isEqualTo(1000);
  }

  @Test
  void aPortAlreadyInUseOnTheServerIsReported() {
    String ns = namespace();
    account(ns, "acme", 1000, 7);
    connect(ns, "home");
    int busy = nextFreePort(server());
    host().occupyPort(server(), busy);
    try {
      create(ownServerSeedbox(ns, "box", "home"));
      Seedbox refused = awaitSeedbox(ns, "box", sb -> hasCondition(sb, SeedboxStatus.READY, "ByosPortInUse"));
      assertThat(condition(refused, SeedboxStatus.READY).getMessage()).contains("port " + busy);
      assertThat(refused.getStatus().getPhase()).isEqualTo(Phase.PENDING);
    } finally {
      host().freePort(server(), busy);
    }
    awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(15));
  }

  @Test
  void twoSeedboxesShareOneServerOnPortsOfTheirOwnAndEachKeepsItsOwnLifecycle() {
    String ns = namespace();
    String account = account(ns, "acme", 2000, 7);
    connect(ns, "home");
    create(ownServerSeedbox(ns, "films", "home"));
    Seedbox music = ownServerSeedbox(ns, "music", "home");
    music.getSpec().setDataOnTermination(DataOnTermination.DELETE);
    create(music);
    Seedbox films = awaitPhase(ns, "films", Phase.ACTIVE, Duration.ofSeconds(15));
    Seedbox musicActive = awaitPhase(ns, "music", Phase.ACTIVE, Duration.ofSeconds(15));
    assertThat(films.getStatus().getEndpoint().getWebUiUrl())
        .isNotEqualTo(musicActive.getStatus().getEndpoint().getWebUiUrl());
    assertThat(host().slots(server())).containsKeys(slot(films.getMetadata().getUid()),
        slot(musicActive.getMetadata().getUid()));
    assertThat(slot(films.getMetadata().getUid())).isNotEqualTo(slot(musicActive.getMetadata().getUid()));
    assertThat(loginOwn(films, currentPassword(ns, "films"))).as("slots %s, films at %s", host().slots(server()),
        films.getStatus().getEndpoint().getWebUiUrl()).isInstanceOf(LoginCheck.Accepted.class);
    assertThat(loginOwn(musicActive, currentPassword(ns, "music"))).isInstanceOf(LoginCheck.Accepted.class);
    assertThat(loginOwn(films, currentPassword(ns, "music"))).isInstanceOf(LoginCheck.Rejected.class);
    assertThat(balance(account)).isEqualTo(2000 - 2 * FEE);

    // suspend one: its client stops (its port closes), the other keeps running
    edit(ns, "films", sb -> {
      sb.getSpec().setSuspend(true);
      return sb;
    });
    awaitPhase(ns, "films", Phase.SUSPENDED, Duration.ofSeconds(15));
    assertThat(loginOwn(films, currentPassword(ns, "films"))).isInstanceOf(LoginCheck.Unreachable.class);
    assertThat(loginOwn(musicActive, currentPassword(ns, "music"))).isInstanceOf(LoginCheck.Accepted.class);
    edit(ns, "films", sb -> {
      sb.getSpec().setSuspend(false);
      return sb;
    });
    Seedbox resumed = awaitSeedbox(ns, "films", sb -> sb.getStatus().getPhase() == Phase.ACTIVE && ready(sb));
    assertThat(loginOwn(resumed, currentPassword(ns, "films"))).isInstanceOf(LoginCheck.Accepted.class);

    // terminate: the client, its unit and its user go; the ports are free again; the neighbour is untouched
    String filmsUid = films.getMetadata().getUid();
    delete(ns, "films");
    awaitGone(ns, "films");
    assertThat(host().slots(server())).doesNotContainKey(slot(filmsUid));
    assertThat(heldPorts(filmsUid)).isEmpty();
    assertThat(auditDetails(filmsUid)).anySatisfy(d -> assertThat(d).contains("\"dataKept\": true"));
    assertThat(loginOwn(musicActive, currentPassword(ns, "music"))).isInstanceOf(LoginCheck.Accepted.class);
  }

  @Test
  void losingTheConnectionHoldsBillingAndItRecoversByItselfWhenTheKeyIsBack() {
    String ns = namespace();
    String account = account(ns, "acme", 2000, 7);
    ByosConnection connection = connect(ns, "home");
    String uid = create(ownServerSeedbox(ns, "box", "home")).getMetadata().getUid();
    awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(15));
    long afterFirst = balance(account);

    // the customer removes our key from authorized_keys
    String line = connection.getStatus().getPublicKey();
    harness.ssh().deauthorize(USER, line);
    host().deauthorize(server(), OpenSshPublicKey.parse(line).fingerprint());
    Seedbox held = awaitSeedbox(ns, "box", sb -> !ready(sb) && row(uid).managementHold());
    assertThat(condition(held, SeedboxStatus.READY).getReason()).as(condition(held, SeedboxStatus.READY).getMessage())
        .isIn(ClientProbe.HOST_ACCESS_REFUSED,
        OwnServers.CONNECTION_NOT_CONNECTED);
    assertThat(held.getStatus().getPhase()).isEqualTo(Phase.ACTIVE);
    awaitEvent(ns, "box", "BillingHeld");

    // a period ends while it is held: nothing is charged
    CLOCK.advance(Duration.ofDays(31));
    ledger().billing().runCycle();
    assertThat(balance(account)).isEqualTo(afterFirst);

    harness.ssh().authorize(USER, line);
    host().authorize(server(), OpenSshPublicKey.parse(line).fingerprint());
    waiting(Duration.ofSeconds(20)).until(() -> !row(uid).managementHold());
    awaitEvent(ns, "box", "BillingResumed");
    awaitSeedbox(ns, "box", sb -> ready(sb));
    ledger().billing().runCycle();
    assertThat(balance(account)).as("billing resumes once the server can be managed").isEqualTo(afterFirst - FEE);
    assertThat(auditActions(uid)).contains("seedbox.management-hold-set", "seedbox.management-hold-released");
  }

  @Test
  void rotatingTheConnectionsKeyNeverInterruptsItsSeedboxes() {
    String ns = namespace();
    account(ns, "acme", 1000, 7);
    connect(ns, "home");
    create(ownServerSeedbox(ns, "box", "home"));
    awaitPhase(ns, "box", Phase.ACTIVE, Duration.ofSeconds(15));

    harness.client().resources(ByosConnection.class).inNamespace(ns).withName("home").edit(c -> {
      c.getSpec().setRotation(1L);
      return c;
    });
    ByosConnection rotating = awaitConnection(ns, "home", c -> Long.valueOf(1).equals(
        c.getStatus().getObservedRotation()) && c.getStatus().getPhase() == ByosPhase.AWAITING_AUTHORIZATION);
    assertStays(ns, "box", sb -> ready(sb),
        Duration.ofSeconds(2));
    authorize(rotating);
    awaitConnection(ns, "home", c -> c.getStatus().getPhase() == ByosPhase.CONNECTED
        && Long.valueOf(1).equals(c.getStatus().getObservedRotation()));
    assertStays(ns, "box", sb -> sb.getStatus().getPhase() == Phase.ACTIVE
        && ready(sb), Duration.ofSeconds(2));
  }

  // ---- helpers

  private InMemoryHost host() {
    return harness.customerHost();
  }

  private String server() {
    return harness.ssh().host();
  }

  private static String slot(String uid) {
    return dev.seedbox.operator.host.ManagedServers.slotName(uid);
  }

  private ByosConnection awaitConnection(String ns, String name, java.util.function.Predicate<ByosConnection> ok) {
    return awaitConnection(ns, name, Duration.ofSeconds(15), ok);
  }

  private List<Integer> heldPorts(String uid) {
    return List.copyOf(ledger().jdbi().withHandle(h -> h.createQuery(
        "SELECT port FROM seedbox_host_ports WHERE seedbox_uid = :uid ORDER BY port").bind("uid", uid)
        .mapTo(Integer.class).list()));
  }

  private LoginCheck loginOwn(Seedbox sb, String password) {
    return host().login(URI.create(sb.getStatus().getEndpoint().getWebUiUrl()), WebUiSecret.WEB_UI_USER, password);
  }
}

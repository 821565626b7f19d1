package dev.seedbox.operator.seedbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.status.Condition;
import dev.seedbox.api.status.ConditionStatus;
import dev.seedbox.api.v1alpha1.BillingAccount;
import dev.seedbox.api.v1alpha1.BillingAccountSpec;
import dev.seedbox.api.v1alpha1.ByosConnection;
import dev.seedbox.api.v1alpha1.ByosConnectionSpec;
import dev.seedbox.api.v1alpha1.ByosPhase;
import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.api.v1alpha1.SeedboxSpec;
import dev.seedbox.api.v1alpha1.SeedboxStatus;
import dev.seedbox.ledger.AccountSpec;
import dev.seedbox.ledger.LedgerModule;
import dev.seedbox.ledger.SeedboxRecord;
import dev.seedbox.ledger.audit.AuditEvent;
import dev.seedbox.ledger.testing.MutableClock;
import dev.seedbox.operator.harness.OperatorFixture;
import dev.seedbox.hostchannel.webui.LoginCheck;
import dev.seedbox.keys.key.OpenSshPublicKey;
import dev.seedbox.provisioning.inmemory.InMemoryProvider;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.awaitility.core.ConditionFactory;

/**
 * What the Seedbox controller's end-to-end tests share: the operator in-process on the mock API (CRUD mode, CRDs
 * from crds/), a real PostgreSQL ledger and the in-memory provider, reached through the test class's own fixture and
 * clock. Each test works in its own namespace with its own BillingAccount, whose ledger account the test opens
 * itself (the BillingAccount reconciler is not part of these suites).
 */
abstract class SeedboxScenario {

  static final AtomicInteger NAMESPACES = new AtomicInteger();
  static final long STARTER = 1500;

  private final OperatorFixture harness;
  private final Clock clock;

  /**
   * @param harness the test class's operator, database and provider
   * @param clock the clock they run on
   */
  SeedboxScenario(OperatorFixture harness, Clock clock) {
    this.harness = harness;
    this.clock = clock;
  }

  /** An operator on {@code clock} with the in-memory provider and the test timing. */
  static OperatorFixture operatorOn(Clock clock) {
    return new OperatorFixture(clock, OperatorFixture.testProviderOptions(), OperatorFixture.TEST_TIMING);
  }

  /** A clock of the test class's own that starts now and that the tests move forward. */
  static MutableClock clockFromNow() {
    return new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  }

  OperatorFixture harness() {
    return harness;
  }

  Clock clock() {
    return clock;
  }

  InMemoryProvider provider() {
    return harness().provider();
  }

  private LedgerModule ledger;

  /** The test's own view of the ledger (the operator may be stopped while a test looks at it). */
  synchronized LedgerModule ledger() {
    if (ledger == null) {
      ledger = LedgerModule.create(harness().database().runtime(), clock());
    }
    return ledger;
  }

  String namespace() {
    return "t" + NAMESPACES.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 100_000, 36);
  }

  BillingAccount createAccount(String ns, String name, Integer graceDays, boolean paused) {
    BillingAccount account = new BillingAccount();
    account.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    BillingAccountSpec spec = new BillingAccountSpec();
    spec.setOwner("owner@" + ns + ".example");
    spec.setGracePeriodDays(graceDays);
    spec.setLowBalanceThresholdCents(0L);
    spec.setPaused(paused);
    account.setSpec(spec);
    return harness().client().resource(account).create();
  }

  /** A BillingAccount CR whose ledger account the test opens itself, with optional credit. */
  String account(String ns, String name, long creditCents, int graceDays) {
    // The BillingAccount reconciler copies the spec into the ledger too, so both must say the same.
    String uid = createAccount(ns, name, graceDays, false).getMetadata().getUid();
    ledger().ledger().openAccount(new AccountSpec(uid, ns, name, "owner", "USD", 0, graceDays), "test");
    if (creditCents > 0) {
      ledger().ledger().creditTopUp(uid, "initial-" + ns + "-" + name, creditCents, "test");
    }
    return uid;
  }

  Seedbox seedbox(String ns, String name, String account, String region) {
    Seedbox sb = new Seedbox();
    sb.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    SeedboxSpec spec = new SeedboxSpec();
    spec.setAccountRef(account);
    spec.setPlan("starter");
    spec.setProvider(ProviderKind.INMEMORY);
    spec.setRegion(region);
    sb.setSpec(spec);
    return sb;
  }

  /** A seedbox on the customer's own server through ByosConnection {@code connection}, on the own-server plan. */
  Seedbox ownServerSeedbox(String ns, String name, String connection) {
    Seedbox sb = seedbox(ns, name, "acme", null);
    sb.getSpec().setProvider(null);
    sb.getSpec().setRegion(null);
    sb.getSpec().setPlan("own-server");
    sb.getSpec().setByosConnectionRef(connection);
    return sb;
  }

  /** The user ByosConnections log in as on the customer's in-process server ({@code withCustomerServers()}). */
  static final String CUSTOMER_USER = "seedbox";

  /**
   * A ByosConnection to the customer's in-process server ({@code withCustomerServers()}), authorised there as the
   * onboarding command would.
   */
  ByosConnection connect(String ns, String name) {
    ByosConnectionSpec spec = new ByosConnectionSpec();
    spec.setHost(harness().ssh().host());
    spec.setPort(harness().ssh().port());
    spec.setUser(CUSTOMER_USER);
    ByosConnection resource = new ByosConnection();
    resource.setMetadata(new ObjectMetaBuilder().withNamespace(ns).withName(name).build());
    resource.setSpec(spec);
    harness().client().resource(resource).create();
    ByosConnection awaiting = awaitConnection(ns, name, Duration.ofSeconds(15),
        c -> c.getStatus().getPublicKey() != null);
    assertThat(awaiting.getStatus().getOnboardingRequirements()).contains("sudo without a password", "systemd");
    authorize(awaiting);
    return awaitConnection(ns, name, Duration.ofSeconds(15), c -> c.getStatus().getPhase() == ByosPhase.CONNECTED);
  }

  /** The onboarding command run on the customer's server for the connection's current key. */
  void authorize(ByosConnection connection) {
    String line = connection.getStatus().getPublicKey();
    harness().ssh().authorize(CUSTOMER_USER, line);
    harness().customerHost().authorize(harness().ssh().host(), OpenSshPublicKey.parse(line).fingerprint());
  }

  ByosConnection awaitConnection(String ns, String name, Duration atMost, Predicate<ByosConnection> condition) {
    return waiting(atMost).until(
        () -> harness().client().resources(ByosConnection.class).inNamespace(ns).withName(name).get(),
        c -> c != null && c.getStatus() != null && condition.test(c));
  }

  Seedbox create(Seedbox sb) {
    return harness().client().resource(sb).create();
  }

  Seedbox fetch(String ns, String name) {
    return harness().client().resources(Seedbox.class).inNamespace(ns).withName(name).get();
  }

  void edit(String ns, String name, UnaryOperator<Seedbox> change) {
    harness().client().resources(Seedbox.class).inNamespace(ns).withName(name).edit(change);
  }

  void delete(String ns, String name) {
    harness().client().resources(Seedbox.class).inNamespace(ns).withName(name).delete();
  }

  Secret secret(String ns, String name) {
    return harness().client().secrets().inNamespace(ns).withName(name).get();
  }

  String encode(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  /** A customer's login to the seedbox's web UI, as its status advertises it, on the in-memory host. */
  LoginCheck login(Seedbox sb, String password) {
    return harness().host().login(java.net.URI.create(sb.getStatus().getEndpoint().getWebUiUrl()),
        WebUiSecret.WEB_UI_USER, password);
  }

  /** The Secret's current web UI password. */
  String currentPassword(String ns, String seedbox) {
    return decode(secret(ns, seedbox + "-webui"), "password");
  }

  String decode(Secret secret, String key) {
    return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }

  ConditionFactory waiting(Duration atMost) {
    return await().atMost(atMost).pollInterval(Duration.ofMillis(50));
  }

  Seedbox awaitSeedbox(String ns, String name, java.util.function.Predicate<Seedbox> condition) {
    return waiting(Duration.ofSeconds(15)).until(() -> fetch(ns, name),
        sb -> sb != null && sb.getStatus() != null && condition.test(sb));
  }

  Seedbox awaitPhase(String ns, String name, Phase phase, Duration atMost) {
    return waiting(atMost).until(() -> fetch(ns, name),
        sb -> sb != null && sb.getStatus() != null && sb.getStatus().getPhase() == phase);
  }

  void awaitGone(String ns, String name) {
    waiting(Duration.ofSeconds(20)).until(() -> fetch(ns, name) == null);
  }

  void assertStays(String ns, String name, java.util.function.Predicate<Seedbox> condition, Duration during) {
    await().during(during).atMost(during.plusSeconds(5)).pollInterval(Duration.ofMillis(100))
        .until(() -> condition.test(fetch(ns, name)));
  }

  static boolean ready(Seedbox sb) {
    return sb.getStatus().findCondition(SeedboxStatus.READY).map(c -> c.getStatus() == ConditionStatus.TRUE)
        .orElse(false);
  }

  long balance(String accountUid) {
    return ledger().ledger().account(accountUid).orElseThrow().balanceCents();
  }

  SeedboxRecord row(String uid) {
    return ledger().seedboxes().seedbox(uid).orElseThrow();
  }

  /** The port the next Seedbox on a customer's server {@code host} is given: the lowest of the range nobody holds. */
  int nextFreePort(String host) {
    return ledger().jdbi().withHandle(h -> h.createQuery("""
            SELECT p FROM generate_series(20000, 29999) AS p
             WHERE NOT EXISTS (SELECT 1 FROM seedbox_host_ports WHERE host = :host AND port = p)
             ORDER BY p LIMIT 1""").bind("host", host).mapTo(Integer.class).one());
  }

  boolean hasCondition(Seedbox sb, String type, String reason) {
    return sb.getStatus() != null && sb.getStatus().findCondition(type)
        .map(c -> reason.equals(c.getReason())).orElse(false);
  }

  Condition condition(Seedbox sb, String type) {
    return sb.getStatus().findCondition(type).orElseThrow();
  }

  List<String> eventReasons(String ns, String name) {
    return harness().client().v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .sorted(java.util.Comparator.comparing(Event::getFirstTimestamp))
        .map(Event::getReason)
        .toList();
  }

  void awaitEvent(String ns, String name, String reason) {
    waiting(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(eventReasons(ns, name)).contains(reason));
  }

  List<AuditEvent> audit(String uid) {
    List<AuditEvent> events = new java.util.ArrayList<>(ledger().audit().recent("seedbox:" + uid, 500));
    java.util.Collections.reverse(events);
    return events;
  }

  List<String> auditActions(String uid) {
    return audit(uid).stream().map(AuditEvent::action).toList();
  }

  List<String> auditDetails(String uid) {
    return audit(uid).stream().map(AuditEvent::detailJson).toList();
  }

  /** The audited transitions of a seedbox, oldest first, as "From->To". */
  List<String> transitions(String uid) {
    return audit(uid).stream().filter(e -> e.action().equals("seedbox.transition"))
        .map(e -> field(e.detailJson(), "from") + "->" + field(e.detailJson(), "to"))
        .toList();
  }

  private String field(String json, String name) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get(name).asText();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  double providerErrors() {
    return harness().wiring().registry().find("seedbox.provider.errors").counters().stream()
        .mapToDouble(c -> c.count()).sum();
  }
}

package dev.seedbox.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.v1alpha1.BillingAccount;
import dev.seedbox.api.v1alpha1.BillingAccountSpec;
import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.api.v1alpha1.SeedboxSpec;
import dev.seedbox.api.v1alpha1.SeedboxStatus;
import dev.seedbox.hostchannel.inmemory.InMemoryHost;
import dev.seedbox.ledger.AccountSpec;
import dev.seedbox.ledger.LedgerModule;
import dev.seedbox.operator.OperatorSettings;
import dev.seedbox.operator.OperatorWiring;
import dev.seedbox.operator.harness.OperatorFixture;
import dev.seedbox.operator.harness.RecordingProvider;
import dev.seedbox.operator.reconcile.EventRecorder;
import dev.seedbox.operator.reconcile.StatusPatch;
import dev.seedbox.operator.seedbox.SeedboxTiming;
import dev.seedbox.provisioning.inmemory.InMemoryProvider;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.micrometer.core.instrument.Timer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * architecture §13, operator: 1,000 Seedboxes created at once reach Active in ≤ 1.5× the time a plain client needs for
 * the same API writes on the same kind of mock server in the same run; with 2 s provider latency per call in ≤ 30 s;
 * heap ≤ 300 MiB with 10,000 Seedboxes cached. Run only on request (bench/operator/README.md).
 */
@Tag("bench")
class OperatorBenchmark {

  static final int SEEDBOXES = Integer.getInteger("bench.seedboxes", 1000);
  static final int ACCOUNTS = Integer.getInteger("bench.accounts", 100);
  static final int NAMESPACES = 10;
  static final int CREATORS = Integer.getInteger("bench.creators", 8);
  static final int THREADS = Integer.getInteger("bench.threads", OperatorSettings.DEFAULT_RECONCILE_THREADS);
  static final int CACHED = Integer.getInteger("bench.cached", 10_000);
  static final long STARTER = 1500;
  /** Each host command's latency in target 2: an SSH round trip to a distant server. */
  static final Duration HOST_LATENCY = Duration.ofMillis(Long.getLong("bench.hostLatencyMillis", 200));

  // ---- 1,000 to Active against a plain-client baseline --------------------------------------------------------

  @Test
  void thousandSeedboxesReachActiveWithinOneAndAHalfTimesTheirPlainApiWrites() throws Exception {
    warmUp();
    Run operator;
    Seedbox sample;
    try (BenchRig rig = new BenchRig(true)) {
      operator = operatorRun(rig, OperatorFixture.testProviderOptions(), Duration.ZERO, OperatorFixture.TEST_TIMING);
      sample = rig.client.resources(Seedbox.class).inNamespace(ns(0)).withName(name(0)).get();
    }
    Map<String, Long> perSeedbox = seedboxWrites(operator.requests());
    Run baseline;
    try (BenchRig rig = new BenchRig(false)) {
      baseline = baselineRun(rig, perSeedbox, sample);
    }
    double ratio = operator.seconds() / baseline.seconds();
    System.out.printf("BENCH operator-vs-plain seedboxes=%d operator=%.2fs baseline=%.2fs ratio=%.2f (target <= 1.5)"
        + " threads=%d load=%s%n", SEEDBOXES, operator.seconds(), baseline.seconds(), ratio, THREADS,
        load());
    System.out.println("BENCH operator requests " + operator.requests());
    System.out.println("BENCH baseline requests " + baseline.requests());
    System.out.println("BENCH replayed writes " + perSeedbox);
    assertThat(baseline.requests()).as("the baseline made the operator's seedbox writes")
        .containsAllEntriesOf(perSeedbox);
  }

  // ---- 1,000 to Active with 2 s per provider call -------------------------------------------------------------

  @Test
  void thousandSeedboxesReachActiveWithTwoSecondsOfProviderLatency() throws Exception {
    Duration latency = Duration.ofMillis(Long.getLong("bench.latencyMillis", 2000));
    boolean production = !"test".equals(System.getProperty("bench.timing", "production"));
    SeedboxTiming timing = production ? SeedboxTiming.defaults() : OperatorFixture.TEST_TIMING;
    InMemoryProvider.Options options = InMemoryProvider.Options.defaults().withLatency(latency)
        .withRegions(Set.of("local"));
    try (BenchRig rig = new BenchRig(true)) {
      Run run = operatorRun(rig, options, HOST_LATENCY, timing);
      System.out.printf("BENCH latency seedboxes=%d latency=%dms hostLatency=%dms timing=%s total=%.2fs (target <= 30)"
          + " threads=%d load=%s%n", SEEDBOXES, latency.toMillis(), HOST_LATENCY.toMillis(),
          production ? "production" : "test", run.seconds(), THREADS, load());
      System.out.println("BENCH latency requests " + run.requests());
    }
  }

  // ---- heap with 10,000 cached ----------------------------------------------------------------------------------

  @Test
  void heapWithTenThousandCachedSeedboxes() throws Exception {
    try (BenchRig rig = new BenchRig(true)) {
      // the status the operator settles on for a seedbox whose BillingAccount does not exist: preloading it means
      // starting the operator writes nothing, so only the cache (not 10,000 status writes on the mock) is measured
      rig.startOperator(rig.newClient(), new InMemoryProvider(OperatorFixture.testProviderOptions()),
          OperatorFixture.TEST_TIMING, THREADS);
      Seedbox probe = rig.client.resource(seedbox("heap-0", "probe", "nobody")).create();
      Seedbox settledProbe = await(() -> {
        Seedbox sb = rig.client.resources(Seedbox.class).inNamespace("heap-0").withName("probe").get();
        return sb.getStatus() != null && sb.getStatus().findCondition(SeedboxStatus.READY).isPresent() ? sb : null;
      }, Duration.ofSeconds(30));
      SeedboxStatus settled = settledProbe.getStatus();
      rig.stopOperator();

      long loadStart = System.nanoTime();
      parallel(CACHED, CREATORS, i -> {
        Seedbox sb = seedbox("heap-" + (i % NAMESPACES), "cached-" + i, "nobody");
        sb.getMetadata().setFinalizers(settledProbe.getMetadata().getFinalizers());
        // the API keeps no status given on create (status is a subresource): it is written as the operator did
        Seedbox created = rig.client.resource(sb).create();
        created.setStatus(settled);
        StatusPatch.write(rig.client, created);
      });
      double loadSeconds = seconds(System.nanoTime() - loadStart);
      Seedbox stored = rig.client.resources(Seedbox.class).inNamespace("heap-1").withName("cached-1").get();
      assertThat(stored.getStatus()).as("the preloaded status").isNotNull();

      long before = usedHeapAfterGc();
      rig.dispatcher.start();
      double[] reconcileSeconds = new double[1];
      boolean ready = startAndReconcileAll(rig, reconcileSeconds);
      long after = usedHeapAfterGc();
      Map<String, Long> requests = rig.dispatcher.stop();
      // what goes away with the operator is the operator's; the mock's store (which its start grew by 10,000
      // Events and patched copies) stays behind and is measured separately
      rig.stopOperator();
      long withoutOperator = usedHeapAfterGc();
      Runtime rt = Runtime.getRuntime();
      System.out.printf("BENCH heap cached=%d operatorRetained=%.1fMiB (target <= 300) jvmUsedWithOperator=%.1fMiB"
          + " jvmUsedAfterOperatorStopped=%.1fMiB jvmUsedBeforeOperator=%.1fMiB maxHeap=%.0fMiB preload=%.1fs"
          + " firstReconcileOfAll=%.1fs load=%s%n", CACHED + 1, mib(after - withoutOperator), mib(after),
          mib(withoutOperator), mib(before), mib(rt.maxMemory()), loadSeconds, reconcileSeconds[0], load());
      System.out.println("BENCH heap requests while the operator started " + requests);
      assertThat(ready).isTrue();
      assertThat(probe.getMetadata().getUid()).isNotNull();
    }
  }

  /** In a method of its own, so that no frame of the test keeps the operator reachable after it stopped. */
  private static boolean startAndReconcileAll(BenchRig rig, double[] seconds) throws InterruptedException {
    OperatorWiring wiring = rig.startOperator(rig.newClient(),
        new InMemoryProvider(OperatorFixture.testProviderOptions()), OperatorFixture.TEST_TIMING, THREADS);
    long startNanos = System.nanoTime();
    Timer reconciles = wiring.registry().timer("seedbox.reconcile", "kind", "Seedbox");
    await(() -> reconciles.count() >= CACHED + 1 ? Boolean.TRUE : null, Duration.ofMinutes(10));
    seconds[0] = seconds(System.nanoTime() - startNanos);
    return wiring.ready();
  }

  // ---- the operator run ---------------------------------------------------------------------------------------

  record Run(double seconds, Map<String, Long> requests) {
  }

  /** @param hostLatency each host command's latency on the in-memory host (SSH round trip and script) */
  private Run operatorRun(BenchRig rig, InMemoryProvider.Options providerOptions, Duration hostLatency,
      SeedboxTiming timing) throws Exception {
    InMemoryProvider inMemory = new InMemoryProvider(providerOptions, new InMemoryHost(hostLatency));
    RecordingProvider provider = new RecordingProvider(inMemory);
    LedgerModule ledger = LedgerModule.create(rig.database.runtime(), Clock.systemUTC());
    List<BillingAccount> accounts = createAccounts(rig.client);
    for (BillingAccount account : accounts) {
      String uid = account.getMetadata().getUid();
      ledger.ledger().openAccount(new AccountSpec(uid, account.getMetadata().getNamespace(),
          account.getMetadata().getName(), account.getSpec().getOwner(), "USD", 0, 7), "bench");
      long perAccount = (SEEDBOXES + ACCOUNTS - 1) / ACCOUNTS;
      ledger.ledger().creditTopUp(uid, "bench-" + uid, perAccount * STARTER, "bench");
    }
    OperatorWiring wiring = rig.startOperator(rig.newClient(), provider, inMemory.host(), timing, THREADS);
    await(() -> wiring.ready() ? Boolean.TRUE : null, Duration.ofSeconds(60));
    // let the BillingAccount controller write its statuses before the clock starts
    await(() -> rig.client.resources(BillingAccount.class).inAnyNamespace().list().getItems().stream()
        .allMatch(a -> a.getStatus() != null && a.getStatus().getState() != null) ? Boolean.TRUE : null,
        Duration.ofSeconds(60));
    Thread.sleep(1000);
    try (ActiveWatch watch = new ActiveWatch(rig.client)) {
      rig.dispatcher.start();
      long start = System.nanoTime();
      parallel(SEEDBOXES, CREATORS, i -> rig.client.resource(seedbox(ns(i), name(i), account(i))).create());
      System.out.printf("BENCH created %d in %.1fs%n", SEEDBOXES, seconds(System.nanoTime() - start));
      watch.awaitActive(SEEDBOXES, Duration.ofMinutes(15));
      double elapsed = seconds(System.nanoTime() - start);
      Thread.sleep(500); // writes that follow the last Active (a trailing Event) still count
      Map<String, Long> requests = rig.dispatcher.stop();
      assertThat(inMemory.serversCreated()).isEqualTo(SEEDBOXES);
      System.out.println("BENCH provider calls " + provider.calls());
      rig.stopOperator();
      return new Run(elapsed, requests);
    }
  }

  // ---- the baseline: the same seedbox writes with a plain client ----------------------------------------------

  /** The operator's writes that belong to seedboxes (not Leases or BillingAccount statuses), per seedbox. */
  static Map<String, Long> seedboxWrites(Map<String, Long> requests) {
    Map<String, Long> writes = new LinkedHashMap<>();
    requests.forEach((key, count) -> {
      String verb = key.substring(0, key.indexOf(' '));
      String kind = key.substring(key.indexOf(' ') + 1);
      boolean write = !verb.equals("GET") && !verb.equals("WATCH");
      boolean seedboxKind = kind.startsWith("seedboxes") || kind.startsWith("secrets") || kind.startsWith("events");
      if (write && seedboxKind) {
        writes.put(key, count);
      }
    });
    return writes;
  }

  private Run baselineRun(BenchRig rig, Map<String, Long> writes, Seedbox sample) throws Exception {
    createAccounts(rig.client);
    long finalizers = sum(writes, "seedboxes", false);
    long statuses = sum(writes, "seedboxes/status", false);
    long secrets = sum(writes, "secrets", true);
    long secretUpdates = sum(writes, "secrets", false);
    long events = sum(writes, "events", true);
    String finalizerType = patchType(writes, "seedboxes");
    long creates = writes.getOrDefault("POST seedboxes (collection)", 0L);
    assertThat(creates).isEqualTo(SEEDBOXES);
    KubernetesClient client = rig.newClient();
    EventRecorder recorder = new EventRecorder(client, Clock.systemUTC());
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<?>> followUps = java.util.Collections.synchronizedList(new ArrayList<>());
    try (ActiveWatch watch = new ActiveWatch(rig.client)) {
      rig.dispatcher.start();
      long start = System.nanoTime();
      parallel(SEEDBOXES, CREATORS, i -> {
        Seedbox created = rig.client.resource(seedbox(ns(i), name(i), account(i))).create();
        followUps.add(pool.submit(() -> followUp(client, recorder, created, sample, share(finalizers, i),
            finalizerType, share(statuses, i), share(secrets, i), share(secretUpdates, i), share(events, i))));
      });
      watch.awaitActive(SEEDBOXES, Duration.ofMinutes(15));
      double elapsed = seconds(System.nanoTime() - start);
      for (Future<?> f : new ArrayList<>(followUps)) {
        f.get();
      }
      Map<String, Long> requests = rig.dispatcher.stop();
      return new Run(elapsed, requests);
    } finally {
      pool.shutdownNow();
      client.close();
    }
  }

  /** One seedbox's writes in the operator's order: finalizer, Secret, then statuses and Events, Active last. */
  private static void followUp(KubernetesClient client, EventRecorder recorder, Seedbox created, Seedbox sample,
      long finalizers, String finalizerType, long statuses, long secrets, long secretUpdates, long events) {
    for (long f = 0; f < finalizers; f++) {
      if (finalizerType.contains("merge")) {
        client.resource(created).patch(PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"finalizers\":[\"seedboxes.seedbox.dev/finalizer\"]}}");
      } else {
        client.resource(created).patch(PatchContext.of(PatchType.JSON),
            "[{\"op\":\"add\",\"path\":\"/metadata/finalizers\",\"value\":[\"seedboxes.seedbox.dev/finalizer\"]}]");
      }
    }
    Secret first = null;
    for (long s = 0; s < secrets; s++) {
      Secret made = client.secrets().inNamespace(created.getMetadata().getNamespace()).resource(new SecretBuilder()
          .withNewMetadata().withName(created.getMetadata().getName() + "-webui" + (s == 0 ? "" : "-" + s))
            .withNamespace(created.getMetadata().getNamespace())
            .withLabels(Map.of("app.kubernetes.io/managed-by", "seedbox-operator",
                "seedbox.dev/seedbox", created.getMetadata().getName()))
            .withAnnotations(Map.of("seedbox.dev/credentials-rotation", "0"))
            .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(created.getApiVersion())
                .withKind(created.getKind()).withName(created.getMetadata().getName())
                .withUid(created.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true).build())
          .endMetadata()
          .withType("Opaque")
          .withData(Map.of("username", "c2VlZGJveA==", "password", "YmFzZWxpbmUtYmFzZWxpbmUtYmFzZWxpbmU=",
              "key", BASELINE_KEY))
          .build()).create();
      first = first == null ? made : first;
    }
    for (long u = 0; u < secretUpdates && first != null; u++) {
      // as the operator promotes a staged password: an update that sends the resourceVersion it read
      Map<String, String> data = new java.util.HashMap<>(first.getData());
      data.put("password", base64("promoted-" + u));
      first = client.secrets().resource(new SecretBuilder(first).withData(data).build()).update();
    }
    long rounds = Math.max(statuses, events);
    for (long r = 0; r < rounds; r++) {
      if (r < events) {
        // a reason of its own per round, as the operator's transitions have: a repeated reason would be a count update
        recorder.normal(created, "Baseline" + r, "a baseline event like the operator's transition events");
      }
      if (r < statuses) {
        Seedbox copy = Serialization.clone(created);
        SeedboxStatus status = Serialization.clone(sample.getStatus());
        boolean last = r == statuses - 1;
        status.setPhase(last ? Phase.ACTIVE : Phase.PROVISIONING);
        copy.setStatus(status);
        StatusPatch.write(client, copy);
      }
    }
  }

  /**
   * A value the size of an OpenSSH Ed25519 private key, so that the baseline's Secrets weigh about what the
   * operator's do (its server-keys Secret holds two such keys).
   */
  private static final String BASELINE_KEY = base64("K".repeat(420));

  private static String base64(String value) {
    return java.util.Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private static long sum(Map<String, Long> writes, String kind, boolean collection) {
    return writes.entrySet().stream().filter(e -> {
      String k = e.getKey().substring(e.getKey().indexOf(' ') + 1);
      return collection ? k.equals(kind + " (collection)") : k.equals(kind);
    }).filter(e -> !e.getKey().startsWith("POST seedboxes")).mapToLong(Map.Entry::getValue).sum();
  }

  private static String patchType(Map<String, Long> writes, String kind) {
    return writes.keySet().stream().filter(k -> k.endsWith(" " + kind) && k.startsWith("PATCH")).findFirst()
        .orElse("PATCH[merge-patch+json]");
  }

  /** Seedbox i's share of a total spread evenly. */
  private static long share(long total, int i) {
    return total / SEEDBOXES + (i < total % SEEDBOXES ? 1 : 0);
  }

  // ---- shared pieces ------------------------------------------------------------------------------------------

  /** Plain writes on a throwaway mock first, so neither run pays for class loading and JIT. */
  private void warmUp() throws Exception {
    try (BenchRig rig = new BenchRig(false)) {
      parallel(300, CREATORS, i -> {
        Seedbox sb = rig.client.resource(seedbox(ns(i), "warm-" + i, account(i))).create();
        StatusPatch.write(rig.client, withStatus(sb));
      });
    }
  }

  private static Seedbox withStatus(Seedbox sb) {
    SeedboxStatus status = new SeedboxStatus();
    status.setPhase(Phase.PENDING);
    sb.setStatus(status);
    return sb;
  }

  static String ns(int i) {
    return "bench-" + (i % NAMESPACES);
  }

  static String name(int i) {
    return "box-" + i;
  }

  /** Accounts are numbered within their namespace; seedbox i belongs to namespace i % 10. */
  static String account(int i) {
    int perNamespace = ACCOUNTS / NAMESPACES;
    return "acct-" + ((i / NAMESPACES) % perNamespace);
  }

  static List<BillingAccount> createAccounts(KubernetesClient client) {
    List<BillingAccount> result = new ArrayList<>();
    for (int n = 0; n < NAMESPACES; n++) {
      for (int a = 0; a < ACCOUNTS / NAMESPACES; a++) {
        BillingAccount account = new BillingAccount();
        account.setMetadata(new ObjectMetaBuilder().withNamespace("bench-" + n).withName("acct-" + a).build());
        BillingAccountSpec spec = new BillingAccountSpec();
        spec.setOwner("owner-" + a + "@bench-" + n + ".example");
        spec.setGracePeriodDays(7);
        spec.setLowBalanceThresholdCents(0L);
        account.setSpec(spec);
        result.add(client.resource(account).create());
      }
    }
    return result;
  }

  static Seedbox seedbox(String ns, String name, String account) {
    Seedbox sb = new Seedbox();
    sb.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    SeedboxSpec spec = new SeedboxSpec();
    spec.setAccountRef(account);
    spec.setPlan("starter");
    spec.setProvider(ProviderKind.INMEMORY);
    spec.setRegion("local");
    sb.setSpec(spec);
    return sb;
  }

  static void parallel(int count, int threads, IntConsumer task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int n = i;
        futures.add(pool.submit(() -> task.accept(n)));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The first non-null answer of {@code probe}, asked every 100 ms (Awaitility, like the tests' waits). */
  static <T> T await(java.util.function.Supplier<T> probe, Duration timeout) throws InterruptedException {
    return Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(probe::get,
        java.util.Objects::nonNull);
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static double mib(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  static String load() {
    double[] l = new double[1];
    l[0] = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return String.format("%.2f", l[0]);
  }

  /** Watches every Seedbox and counts those whose status says Active. */
  static final class ActiveWatch implements AutoCloseable {
    private final Set<String> active = ConcurrentHashMap.newKeySet();
    private final Watch watch;

    ActiveWatch(KubernetesClient client) {
      watch = client.resources(Seedbox.class).inAnyNamespace().watch(new Watcher<>() {
        @Override
        public void eventReceived(Action action, Seedbox sb) {
          if (sb.getStatus() != null && sb.getStatus().getPhase() == Phase.ACTIVE) {
            active.add(sb.getMetadata().getNamespace() + "/" + sb.getMetadata().getName());
          }
        }

        @Override
        public void onClose(WatcherException cause) {
        }
      });
    }

    void awaitActive(int count, Duration timeout) throws InterruptedException {
      long start = System.nanoTime();
      long deadline = start + timeout.toNanos();
      long nextReport = start;
      while (active.size() < count) {
        if (System.nanoTime() >= nextReport) {
          System.out.printf("BENCH progress t=%.0fs active=%d load=%s%n", seconds(System.nanoTime() - start),
              active.size(), load());
          nextReport += TimeUnit.SECONDS.toNanos(5);
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError(active.size() + " of " + count + " Active after " + timeout);
        }
        TimeUnit.MILLISECONDS.sleep(20);
      }
    }

    @Override
    public void close() {
      watch.close();
    }
  }
}

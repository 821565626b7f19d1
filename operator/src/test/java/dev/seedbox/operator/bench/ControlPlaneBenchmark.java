package dev.seedbox.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.v1alpha1.BillingAccount;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.api.v1alpha1.SeedboxStatus;
import dev.seedbox.ledger.AccountSpec;
import dev.seedbox.ledger.LedgerModule;
import dev.seedbox.operator.OperatorWiring;
import dev.seedbox.operator.harness.OperatorFixture;
import dev.seedbox.operator.reconcile.StatusPatch;
import dev.seedbox.operator.seedbox.SeedboxDecider.Reasons;
import dev.seedbox.operator.seedbox.SeedboxTiming;
import dev.seedbox.provisioning.inmemory.InMemoryProvider;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * architecture §13, control plane: an operator restart with 10,000 steady Seedboxes writes to at most 1 % of them; a
 * confirmed payment (the ledger's NOTIFY) reaches Provisioning of the account's waiting Seedboxes within 1 s at
 * p99 (in-memory provider). Run only on request (bench/operator/README.md).
 */
@Tag("bench")
class ControlPlaneBenchmark {

  static final int STEADY = Integer.getInteger("bench.steady", 10_000);
  /** Active Seedboxes, one per account; the last account stays without credit for the unpaid probe. */
  static final int ACTIVE = Math.min(Integer.getInteger("bench.steadyActive", 99), OperatorBenchmark.ACCOUNTS - 1);
  static final int PAYMENTS = Integer.getInteger("bench.payments", 100);
  static final long STARTER = 1500;

  // ---- restart with 10,000 steady Seedboxes ------------------------------------------------------------------

  /**
   * The steady fleet: {@code ACTIVE} Seedboxes the operator provisions to Active (one per paid account), and the
   * rest waiting as two probes settled by the operator (one AwaitingPayment on an account without credit, one whose
   * BillingAccount does not exist), loaded with the probe's status and finalizer while the operator is stopped.
   * Then the operator starts again and every Seedbox is reconciled once; the writes it makes are counted.
   */
  @Test
  void restartWithTenThousandSteadySeedboxesWritesToAtMostOnePercent() throws Exception {
    try (BenchRig rig = new BenchRig(true)) {
      LedgerModule ledger = LedgerModule.create(rig.database.runtime(), Clock.systemUTC());
      List<BillingAccount> accounts = openAccounts(rig, ledger);
      for (int i = 0; i < ACTIVE; i++) {
        ledger.ledger().creditTopUp(accounts.get(i).getMetadata().getUid(), "bench-" + i, STARTER, "bench");
      }
      // the cloud outlives the operator: the restarted operator finds the same servers
      InMemoryProvider cloud = new InMemoryProvider(OperatorFixture.testProviderOptions());
      OperatorWiring first = start(rig, cloud);
      await(first);
      try (PhaseWatch watch = new PhaseWatch(rig)) {
        OperatorBenchmark.parallel(ACTIVE, 8, i -> rig.client.resource(OperatorBenchmark.seedbox(
            accounts.get(i).getMetadata().getNamespace(), "active-" + i, accounts.get(i).getMetadata().getName()))
            .create());
        Seedbox unpaid = rig.client.resource(OperatorBenchmark.seedbox(accounts.get(ACTIVE).getMetadata()
            .getNamespace(), "probe-unpaid", accounts.get(ACTIVE).getMetadata().getName())).create();
        Seedbox orphan = rig.client.resource(OperatorBenchmark.seedbox(accounts.get(ACTIVE).getMetadata()
            .getNamespace(), "probe-no-account", "nobody")).create();
        watch.await(Phase.ACTIVE, ACTIVE, Duration.ofMinutes(5));
        Seedbox unpaidSettled = settled(rig, unpaid, Reasons.AWAITING_PAYMENT);
        Seedbox orphanSettled = settled(rig, orphan, Reasons.BILLING_ACCOUNT_NOT_FOUND);
        Thread.sleep(3000); // trailing Events and BillingAccount projections of the charges
        rig.stopOperator();

        long loadStart = System.nanoTime();
        int waiting = STEADY - ACTIVE - 2;
        OperatorBenchmark.parallel(waiting, 8, i -> {
          Seedbox probe = i % 2 == 0 ? unpaidSettled : orphanSettled;
          Seedbox copy = OperatorBenchmark.seedbox(probe.getMetadata().getNamespace(), "waiting-" + i,
              probe.getSpec().getAccountRef());
          copy.getMetadata().setFinalizers(probe.getMetadata().getFinalizers());
          // the API keeps no status given on create (status is a subresource): it is written as the operator did
          Seedbox created = rig.client.resource(copy).create();
          created.setStatus(probe.getStatus());
          StatusPatch.write(rig.client, created);
        });
        System.out.printf("BENCH restart loaded %d waiting Seedboxes in %.1fs%n", waiting,
            (System.nanoTime() - loadStart) / 1e9);
      }

      rig.dispatcher.start();
      long restart = System.nanoTime();
      OperatorWiring second = start(rig, cloud);
      Timer reconciles = second.registry().timer("seedbox.reconcile", "kind", "Seedbox");
      OperatorBenchmark.await(() -> reconciles.count() >= STEADY ? Boolean.TRUE : null, Duration.ofMinutes(15));
      double seconds = (System.nanoTime() - restart) / 1e9;
      Thread.sleep(3000); // writes that trail the last reconcile still count
      Map<String, Long> requests = rig.dispatcher.stop();
      long seedboxWrites = OperatorBenchmark.seedboxWrites(requests).values().stream().mapToLong(Long::longValue)
          .sum();
      System.out.printf("BENCH restart steady=%d active=%d seedboxWrites=%d (%.2f%% of the Seedboxes; target <= 1%%)"
          + " reconciledAllIn=%.1fs load=%s%n", STEADY, ACTIVE, seedboxWrites, 100.0 * seedboxWrites / STEADY,
          seconds, OperatorBenchmark.load());
      System.out.println("BENCH restart requests " + requests);
      rig.stopOperator();
      assertThat(seedboxWrites).as("seedbox writes on restart").isLessThanOrEqualTo(STEADY / 100);
    }
  }

  // ---- payment to Provisioning --------------------------------------------------------------------------------

  /**
   * {@code PAYMENTS} accounts without credit, each with one Seedbox waiting in Pending (AwaitingPayment). One
   * account at a time, 200 ms apart, is credited in the ledger (the committed top-up sends the NOTIFY); the latency
   * is from that commit to the watch seeing the Seedbox's status in Provisioning.
   */
  @Test
  void aConfirmedPaymentReachesProvisioningWithinOneSecondAtP99() throws Exception {
    try (BenchRig rig = new BenchRig(true)) {
      LedgerModule ledger = LedgerModule.create(rig.database.runtime(), Clock.systemUTC());
      List<BillingAccount> accounts = openAccounts(rig, ledger);
      OperatorWiring wiring = start(rig, new InMemoryProvider(OperatorFixture.testProviderOptions()));
      await(wiring);
      try (PhaseWatch watch = new PhaseWatch(rig)) {
        List<Seedbox> waiting = new ArrayList<>();
        for (int i = 0; i < PAYMENTS; i++) {
          BillingAccount account = accounts.get(i);
          waiting.add(rig.client.resource(OperatorBenchmark.seedbox(account.getMetadata().getNamespace(),
              "waits-" + i, account.getMetadata().getName())).create());
        }
        for (Seedbox sb : waiting) {
          settled(rig, sb, Reasons.AWAITING_PAYMENT);
        }
        Thread.sleep(2000);
        long[] latencies = new long[PAYMENTS];
        for (int i = 0; i < PAYMENTS; i++) {
          String key = waiting.get(i).getMetadata().getNamespace() + "/" + waiting.get(i).getMetadata().getName();
          long paid = System.nanoTime();
          ledger.ledger().creditTopUp(accounts.get(i).getMetadata().getUid(), "payment-" + i, STARTER, "bench");
          long reached = watch.awaitOne(key, Phase.PROVISIONING, Duration.ofSeconds(30));
          latencies[i] = reached - paid;
          Thread.sleep(200);
        }
        Arrays.sort(latencies);
        System.out.printf("BENCH payment-to-provisioning accounts=%d p50=%.0fms p99=%.0fms max=%.0fms (target p99 <= "
            + "1000) load=%s%n", PAYMENTS, millis(percentile(latencies, 50)), millis(percentile(latencies, 99)),
            millis(latencies[PAYMENTS - 1]), OperatorBenchmark.load());
        assertThat(millis(percentile(latencies, 99))).isLessThanOrEqualTo(1000);
      }
    }
  }

  // ---- shared pieces ------------------------------------------------------------------------------------------

  private static List<BillingAccount> openAccounts(BenchRig rig, LedgerModule ledger) {
    List<BillingAccount> accounts = OperatorBenchmark.createAccounts(rig.client);
    for (BillingAccount account : accounts) {
      ledger.ledger().openAccount(new AccountSpec(account.getMetadata().getUid(), account.getMetadata()
          .getNamespace(), account.getMetadata().getName(), account.getSpec().getOwner(), "USD", 0, 7), "bench");
    }
    return accounts;
  }

  /** The operator as production starts it: production timing, 256 threads, leader election. */
  private static OperatorWiring start(BenchRig rig, InMemoryProvider cloud) {
    return rig.startOperator(rig.newClient(), cloud, SeedboxTiming.defaults(), OperatorBenchmark.THREADS);
  }

  private static void await(OperatorWiring wiring) throws InterruptedException {
    OperatorBenchmark.await(() -> wiring.ready() ? Boolean.TRUE : null, Duration.ofSeconds(60));
  }

  private static Seedbox settled(BenchRig rig, Seedbox sb, String reason) throws InterruptedException {
    return OperatorBenchmark.await(() -> {
      Seedbox now = rig.client.resource(sb).get();
      SeedboxStatus status = now == null ? null : now.getStatus();
      return status != null && status.findCondition(SeedboxStatus.READY).map(c -> reason.equals(c.getReason()))
          .orElse(false) ? now : null;
    }, Duration.ofSeconds(60));
  }

  private static long percentile(long[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }

  /** When each Seedbox was first seen in each phase. */
  static final class PhaseWatch implements AutoCloseable {
    private final Map<String, Long> seen = new ConcurrentHashMap<>();
    private final Watch watch;

    PhaseWatch(BenchRig rig) {
      watch = rig.client.resources(Seedbox.class).inAnyNamespace().watch(new Watcher<>() {
        @Override
        public void eventReceived(Action action, Seedbox sb) {
          if (sb.getStatus() != null && sb.getStatus().getPhase() != null) {
            seen.putIfAbsent(sb.getMetadata().getNamespace() + "/" + sb.getMetadata().getName() + "@"
                + sb.getStatus().getPhase(), System.nanoTime());
          }
        }

        @Override
        public void onClose(WatcherException cause) {
        }
      });
    }

    long awaitOne(String key, Phase phase, Duration timeout) throws InterruptedException {
      return OperatorBenchmark.await(() -> seen.get(key + "@" + phase), timeout);
    }

    void await(Phase phase, int count, Duration timeout) throws InterruptedException {
      OperatorBenchmark.await(() -> seen.keySet().stream().filter(k -> k.endsWith("@" + phase)).count() >= count
          ? Boolean.TRUE : null, timeout);
    }

    @Override
    public void close() {
      watch.close();
    }
  }
}

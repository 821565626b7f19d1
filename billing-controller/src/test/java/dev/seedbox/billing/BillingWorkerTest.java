package dev.seedbox.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.billing.cycle.BillingWorker;
import dev.seedbox.billing.webhook.WebhookEvent;
import dev.seedbox.ledger.LedgerModule;
import dev.seedbox.ledger.SeedboxOrder;
import dev.seedbox.ledger.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The billing worker on a hand-moved clock: cycles under the cycle's lock row, one replica at a time. */
class BillingWorkerTest {

  private static final MutableClock CLOCK = MutableClock.at("2025-06-01T12:00:00Z");

  @RegisterExtension
  static final RunningBillingController billing = new RunningBillingController(8).clock(CLOCK);

  @Test
  void twoWorkersNeverRunACycleAtOnceAndTheChargeIsPostedOnce() throws Exception {
    RunningBillingController.openAccount(billing.ledger(), "uid-cyc", "cyc");
    String paid = billing.openedTopUp("cyc", "cyc-1", "100.00");
    billing.gateway.webhook(WebhookEvent.CONFIRMED, paid).sendTo(billing.webhookUrl());
    billing.ledger().ledger().startProvisioning(new SeedboxOrder("sb-cyc", "uid-cyc", "customers", "box", "small",
        1500, Phase.ACTIVE), "test-operator");
    CLOCK.advance(Duration.ofDays(31));
    BillingWorker other = secondReplica();
    try (Connection holder = billing.db.superuser().getConnection(); Statement sql = holder.createStatement()) {
      // hold the account row so the first cycle stops inside its transaction, holding the cycle lock
      holder.setAutoCommit(false);
      sql.execute("SELECT 1 FROM seedbox_billing_accounts WHERE uid = 'uid-cyc' FOR UPDATE");
      CompletableFuture<BillingWorker.Run> first = CompletableFuture.supplyAsync(() -> billing.app.worker().runOnce());
      awaitCycleLockHeld();

      BillingWorker.Run second = other.runOnce();
      assertThat(second.cycle()).as("the second replica skips while the first holds the lock").isEmpty();
      assertThat(first).isNotDone();

      holder.commit();
      BillingWorker.Run done = first.get(30, TimeUnit.SECONDS);
      assertThat(done.cycle()).isPresent();
      assertThat(done.cycle().get().chargesPosted()).isOne();
    } finally {
      other.close();
    }
    assertThat(billing.count("SELECT count(*) FROM seedbox_ledger_entries WHERE seedbox_uid = 'sb-cyc' "
        + "AND kind = 'Charge'")).isEqualTo(2);
    assertThat(billing.balance("uid-cyc")).isEqualTo(10_000 - 2 * 1500);
    assertThat(billing.metrics()).containsPattern("seedbox_billing_cycle_charges_total [1-9]")
        .contains("seedbox_billing_cycle_duration_seconds_count");
  }

  @Test
  void theScheduleRunsOneAtATimeAndStopsWhenClosed() throws Exception {
    BillingWorker worker = secondReplica().start(Duration.ofMillis(20));
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (worker.runs() < 3 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertThat(worker.runs()).isGreaterThanOrEqualTo(3);

    worker.close();
    int stoppedAt = worker.runs();
    Thread.sleep(200);
    assertThat(worker.runs()).isEqualTo(stoppedAt);
  }

  private BillingWorker secondReplica() {
    LedgerModule module = LedgerModule.create(billing.db.runtime(), CLOCK);
    return new BillingWorker(module.billing(), module.sealer(), new SimpleMeterRegistry());
  }

  private static void awaitCycleLockHeld() throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < until) {
      // taking the lock in a statement of its own releases it at once when it was free
      long held = billing.count("SELECT count(*) WHERE NOT seedbox_try_lock(?)",
          dev.seedbox.ledger.BillingPolicy.CYCLE_LOCK);
      if (held > 0) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the first cycle never took the cycle lock");
  }
}

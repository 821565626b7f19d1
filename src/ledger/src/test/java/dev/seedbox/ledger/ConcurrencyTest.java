package dev.seedbox.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.ledger.testing.PostgresDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConcurrencyTest {

  @RegisterExtension
  static final PostgresDatabase DB = new PostgresDatabase(12);

  LedgerTestSupport t;
  ExecutorService pool;

  @BeforeEach
  void setUp() {
    t = new LedgerTestSupport(DB, "2026-01-01T00:00:00Z");
    pool = Executors.newFixedThreadPool(8);
  }

  @AfterEach
  void tearDown() {
    pool.shutdownNow();
  }

  @Test
  void creditsAPaymentOnceWhenDelivered100TimesFrom8Threads() throws Exception {
    String account = t.openAccount(0, 7);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Posting>> results = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      results.add(pool.submit(() -> {
        start.await();
        return t.ledger().creditTopUp(account, "gw-777", 4_200, "webhook");
      }));
    }
    start.countDown();
    int written = 0;
    long entryId = -1;
    for (Future<Posting> f : results) {
      Posting p = f.get();
      written += p.replayed() ? 0 : 1;
      assertThat(entryId == -1 || entryId == p.entry().id()).isTrue();
      entryId = p.entry().id();
    }
    assertThat(written).isEqualTo(1);
    assertThat(t.ledger().balance(account)).isEqualTo(4_200);
    assertThat(t.ledger().history(account, 10)).hasSize(1);
    t.assertBalanceIsSumOfEntries(account);
  }

  @Test
  void chargesEachSeedboxOncePerPeriodWhenTwoRunsRace() throws Exception {
    List<String> accounts = new ArrayList<>();
    List<String> seedboxes = new ArrayList<>();
    for (int a = 0; a < 30; a++) {
      String account = t.openAccount(0, 7);
      accounts.add(account);
      t.ledger().creditTopUp(account, "p-" + account, 10_000, "test");
      for (int s = 0; s < 4; s++) {
        seedboxes.add(t.startSeedbox(account, 700 + s));
      }
    }
    t.clock.advance(Duration.ofDays(30));
    CountDownLatch start = new CountDownLatch(1);
    Callable<CycleReport> run = () -> {
      start.await();
      return t.billing().runCycle();
    };
    Future<CycleReport> one = pool.submit(run);
    Future<CycleReport> two = pool.submit(run);
    Future<CycleReport> three = pool.submit(run);
    start.countDown();

    int posted = one.get().chargesPosted() + two.get().chargesPosted() + three.get().chargesPosted();
    assertThat(posted).isEqualTo(seedboxes.size());
    for (String s : seedboxes) {
      assertThat(t.seedboxes().seedbox(s).orElseThrow().chargeCount()).isEqualTo(2);
    }
    long charges = t.module.jdbi().withHandle(h -> h.createQuery(
        "SELECT count(*) FROM seedbox_ledger_entries WHERE kind = 'Charge' AND period = 1 AND seedbox_uid = ANY(:s)")
        .bindArray("s", String.class, seedboxes).mapTo(Long.class).one());
    assertThat(charges).isEqualTo(seedboxes.size());
    accounts.forEach(t::assertBalanceIsSumOfEntries);
  }

  @Test
  void topUpsAndACycleRacingOnOneAccountKeepTheBalanceExact() throws Exception {
    String account = t.openAccount(0, 7);
    t.ledger().creditTopUp(account, "seed", 2_000, "test");
    for (int s = 0; s < 10; s++) {
      t.startSeedbox(account, 100);
    }
    t.clock.advance(Duration.ofDays(30));
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> work = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      int n = i;
      work.add(pool.submit(() -> {
        start.await();
        return n % 5 == 0 ? t.billing().runCycle() : t.ledger().creditTopUp(account, "p" + n, 10, "test");
      }));
    }
    start.countDown();
    for (Future<?> f : work) {
      f.get();
    }
    assertThat(t.ledger().balance(account)).isEqualTo(2_000 - 1_000 - 1_000 + 16 * 10);
    t.assertBalanceIsSumOfEntries(account);
  }
}

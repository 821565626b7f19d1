package dev.seedbox.billing.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.billing.RunningBillingController;
import dev.seedbox.billing.webhook.PaymentEventOutcome;
import dev.seedbox.billing.webhook.WebhookEvent;
import dev.seedbox.billing.webhook.WebhookVerifier;
import dev.seedbox.ledger.testing.PostgresDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * DESIGN §13: verified, deduplicated, credited top-ups per second over loopback ≥ 0.7 × the TPS pgbench reaches on the
 * same PostgreSQL with an equivalent one-row ledger transaction, both measured in the same run. Not part of
 * {@code mvn verify}; see bench/billing/README.md.
 */
@Tag("bench")
class WebhookCreditBenchmark {

  private static final int ACCOUNTS = Integer.getInteger("bench.accounts", 1_000);
  private static final int PAYMENTS = Integer.getInteger("bench.payments", 20_000);
  private static final int WARMUP = Integer.getInteger("bench.warmup", 2_000);
  private static final int CLIENTS = Integer.getInteger("bench.clients", 8);
  private static final int PGBENCH_SECONDS = Integer.getInteger("bench.pgbenchSeconds", 15);
  private static final String PGBENCH = System.getProperty("bench.pgbench", "/usr/bin/pgbench");

  @Test
  void webhookCreditsKeepUpWithPgbenchOnAOneRowLedgerTransaction() throws Exception {
    PostgresDatabase db = new PostgresDatabase(CLIENTS + 4);
    db.create();
    try (RunningBillingController billing = new RunningBillingController(db, Clock.systemUTC(),
        Map.of("SEEDBOX_DB_POOL_SIZE", Integer.toString(CLIENTS + 4)))) {
      seed(billing);
      List<byte[]> bodies = new ArrayList<>(PAYMENTS);
      List<String> signatures = new ArrayList<>(PAYMENTS);
      long t = Instant.now().getEpochSecond();
      for (int i = 0; i < PAYMENTS; i++) {
        byte[] body = body(i).getBytes(StandardCharsets.UTF_8);
        bodies.add(body);
        signatures.add(WebhookVerifier.sign(RunningBillingController.SECRET, t, body));
      }
      send(billing.webhookUrl(), bodies, signatures, 0, WARMUP);
      long start = System.nanoTime();
      int credited = send(billing.webhookUrl(), bodies, signatures, WARMUP, PAYMENTS);
      double seconds = (System.nanoTime() - start) / 1e9;
      double webhookTps = credited / seconds;
      assertThat(credited).isEqualTo(PAYMENTS - WARMUP);
      long entries = billing.count("SELECT count(*) FROM seedbox_ledger_entries WHERE kind = 'TopUp'");
      assertThat(entries).isEqualTo(PAYMENTS);
      long drift = billing.count("""
          SELECT count(*) FROM seedbox_billing_accounts a
           WHERE a.balance_cents <> coalesce((SELECT sum(amount_cents) FROM seedbox_ledger_entries e
                                               WHERE e.account_uid = a.uid), 0)""");
      assertThat(drift).isZero();

      // the same processing without HTTP, on the next PAYMENTS rows: splits the time between the HTTP path and the
      // ledger transaction
      long directStart = System.nanoTime();
      int direct = direct(billing, PAYMENTS, PAYMENTS + PAYMENTS - WARMUP);
      double directSeconds = (System.nanoTime() - directStart) / 1e9;
      assertThat(direct).isEqualTo(PAYMENTS - WARMUP);

      double pgbenchTps = pgbench(db);
      System.out.printf("BENCH in-process PaymentEvents.handle (no HTTP): %d in %.2f s = %.0f/s with %d threads%n",
          direct, directSeconds, direct / directSeconds, CLIENTS);
      System.out.printf("BENCH webhook credits: %d in %.2f s = %.0f/s with %d clients%n", credited, seconds,
          webhookTps, CLIENTS);
      System.out.printf("BENCH pgbench one-row ledger transaction: %.0f tps with %d clients%n", pgbenchTps, CLIENTS);
      System.out.printf("BENCH ratio webhook/pgbench = %.2f (target >= 0.70)%n", webhookTps / pgbenchTps);
    } finally {
      db.close();
    }
  }

  /** Accounts and pending payment rows with gateway ids, as top-ups leave them, written set-based as the runtime role. */
  private static void seed(RunningBillingController billing) {
    billing.ledger().jdbi().useTransaction(h -> {
      h.execute("""
          INSERT INTO seedbox_billing_accounts (uid, namespace, name, owner, created_at, updated_at)
          SELECT 'bench-' || i, 'bench', 'acct-' || i, 'bench', now(), now() FROM generate_series(1, ?) i""",
          ACCOUNTS);
      h.execute("""
          INSERT INTO seedbox_payments (id, account_uid, amount_cents, blockchain, gateway_payment_id, created_at,
                                        updated_at)
          SELECT gen_random_uuid(), 'bench-' || (1 + i % ?), 1000, 'BTC', 'pay_bench_' || i, now(), now()
            FROM generate_series(0, ? - 1) i""", ACCOUNTS, 2 * PAYMENTS);
    });
  }

  private static String body(int i) {
    return "{\"id\":\"evt_bench_" + i + "\",\"type\":\"payment.confirmed\",\"data\":{\"payment_id\":\"pay_bench_" + i
        + "\",\"status\":\"confirmed\",\"amount_usd\":\"10.00\",\"amount_crypto\":\"0.00015385\",\"currency\":\"BTC\"},"
        + "\"created_at\":\"" + Instant.now() + "\",\"business_id\":\"" + RunningBillingController.BUSINESS_ID + "\"}";
  }

  private static int direct(RunningBillingController billing, int from, int to) throws Exception {
    AtomicInteger next = new AtomicInteger(from);
    ExecutorService threads = Executors.newFixedThreadPool(CLIENTS);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        done.add(threads.submit(() -> {
          int credited = 0;
          for (int i = next.getAndIncrement(); i < to; i = next.getAndIncrement()) {
            var outcome = billing.app.ledger().paymentEvents()
                .handle(WebhookEvent.parse(body(i).getBytes(StandardCharsets.UTF_8)));
            credited += outcome instanceof PaymentEventOutcome.Credited ? 1 : 0;
          }
          return credited;
        }));
      }
      int credited = 0;
      for (Future<Integer> f : done) {
        credited += f.get();
      }
      return credited;
    } finally {
      threads.shutdownNow();
    }
  }

  private static int send(URI url, List<byte[]> bodies, List<String> signatures, int from, int to) throws Exception {
    AtomicInteger next = new AtomicInteger(from);
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        done.add(clients.submit(() -> {
          HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
          int credited = 0;
          for (int i = next.getAndIncrement(); i < to; i = next.getAndIncrement()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(url)
                .header("Content-Type", "application/json")
                .header(WebhookVerifier.HEADER, signatures.get(i))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i))).build(),
                HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200 && response.body().contains("\"credited\"")) {
              credited++;
            }
          }
          return credited;
        }));
      }
      int credited = 0;
      for (Future<Integer> f : done) {
        credited += f.get();
      }
      return credited;
    } finally {
      clients.shutdownNow();
    }
  }

  /**
   * pgbench with an equivalent one-row ledger transaction on the same server: lock the account row and read its
   * balance, insert an entry with a unique idempotency key and its balance-after, update the cached balance, commit
   * (simple query protocol, pgbench's default; five round trips).
   */
  private static double pgbench(PostgresDatabase db) throws IOException, InterruptedException {
    String database = db.databaseName();
    try (var c = PostgresDatabase.server().getDatabase("postgres", database).getConnection();
        var s = c.createStatement()) {
      s.execute("CREATE TABLE bench_accounts (uid int PRIMARY KEY, balance_cents bigint NOT NULL DEFAULT 0)");
      s.execute("INSERT INTO bench_accounts (uid) SELECT generate_series(1, " + ACCOUNTS + ")");
      s.execute("""
          CREATE TABLE bench_entries (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            account_uid int NOT NULL REFERENCES bench_accounts (uid), amount_cents bigint NOT NULL,
            balance_after_cents bigint NOT NULL, idempotency_key text NOT NULL UNIQUE,
            occurred_at timestamptz NOT NULL DEFAULT now())""");
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    Path script = Files.createTempFile("ledger-tx", ".sql");
    Files.writeString(script, """
        \\set aid random(1, %d)
        \\set key random(1, 9000000000000000000)
        BEGIN;
        SELECT balance_cents AS balance FROM bench_accounts WHERE uid = :aid FOR UPDATE \\gset
        INSERT INTO bench_entries (account_uid, amount_cents, balance_after_cents, idempotency_key) VALUES (:aid, 1000, :balance + 1000, 'topup:' || :client_id || ':' || :key);
        UPDATE bench_accounts SET balance_cents = balance_cents + 1000 WHERE uid = :aid;
        END;
        """.formatted(ACCOUNTS));
    Process p = new ProcessBuilder(PGBENCH, "-n", "-c", Integer.toString(CLIENTS), "-j", "2",
        "-T", Integer.toString(PGBENCH_SECONDS), "-f", script.toString(), "-h", "localhost",
        "-p", Integer.toString(PostgresDatabase.server().getPort()), "-U", "postgres", database)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    System.out.println(out);
    Matcher tps = Pattern.compile("tps = ([0-9.]+)").matcher(out);
    if (!tps.find()) {
      throw new IllegalStateException("pgbench printed no tps:\n" + out);
    }
    return Double.parseDouble(tps.group(1));
  }
}

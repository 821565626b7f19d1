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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * same PostgreSQL with an equivalent one-row ledger transaction, both measured in the same run. The equivalent
 * transaction is a credit written by hand: the same rows, tables, indexes and triggers, one ledger entry, plain SQL
 * from pgbench's C client instead of our HTTP service. The minimal lock-insert-update transaction of the first
 * measurements is still run and reported beside it. Not part of {@code mvn verify}; see bench/billing/README.md.
 */
@Tag("bench")
class WebhookCreditBenchmark {

  private static final int ACCOUNTS = Integer.getInteger("bench.accounts", 1_000);
  private static final int PAYMENTS = Integer.getInteger("bench.payments", 23_000);
  private static final int WARMUP = Integer.getInteger("bench.warmup", 5_000);
  private static final int CLIENTS = Integer.getInteger("bench.clients", 8);
  private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
  /** SEEDBOX_WEBHOOK_WRITERS for the HTTP run; the production default unless set. */
  private static final String WRITERS = System.getProperty("bench.writers", "2");
  private static final int PGBENCH_SECONDS = Integer.getInteger("bench.pgbenchSeconds", 15);
  private static final String PGBENCH = System.getProperty("bench.pgbench", "/usr/bin/pgbench");
  /** true: java.net.http (heavy: its own selector thread and futures per request); default: a plain keep-alive socket. */
  private static final boolean JDK_CLIENT = "jdk".equals(System.getProperty("bench.httpClient", "socket"));

  @Test
  void webhookCreditsKeepUpWithPgbenchOnAOneRowLedgerTransaction() throws Exception {
    try (RunningBillingController billing = new RunningBillingController(CLIENTS + 4)
        .env("SEEDBOX_DB_POOL_SIZE", Integer.toString(CLIENTS + 4)).env("SEEDBOX_WEBHOOK_WRITERS", WRITERS).start()) {
      PostgresDatabase db = billing.db;
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
      // Rounds alternate our webhooks and pgbench's equivalent transaction, so a load change on the shared machine
      // hits both sides of a round's ratio; the median round is the figure.
      int perRound = (PAYMENTS - WARMUP) / ROUNDS;
      int equivalentPerClient = Integer.getInteger("bench.equivalentPerClient", 1_000);
      seedClientPayments(billing, "pay_eq_", ROUNDS * equivalentPerClient);
      List<Double> ratios = new ArrayList<>();
      int credited = 0;
      double seconds = 0;
      double equivalentSum = 0;
      for (int round = 0; round < ROUNDS; round++) {
        int from = WARMUP + round * perRound;
        long start = System.nanoTime();
        int roundCredited = send(billing.webhookUrl(), bodies, signatures, from, from + perRound);
        double roundSeconds = (System.nanoTime() - start) / 1e9;
        assertThat(roundCredited).isEqualTo(perRound);
        double equivalentTps = pgbenchEquivalentCredit(billing, db, round * equivalentPerClient, equivalentPerClient);
        double roundTps = roundCredited / roundSeconds;
        ratios.add(roundTps / equivalentTps);
        credited += roundCredited;
        seconds += roundSeconds;
        equivalentSum += equivalentTps;
        System.out.printf("BENCH round %d: webhooks %.0f/s, pgbench equivalent %.0f tps, ratio %.2f (load %s)%n",
            round + 1, roundTps, equivalentTps, roundTps / equivalentTps, loadAverage());
      }
      double webhookTps = credited / seconds;
      long entries = billing.count("SELECT count(*) FROM seedbox_ledger_entries WHERE kind = 'TopUp'"
          + " AND actor = 'billing-controller'");
      assertThat(entries).isEqualTo(WARMUP + credited);
      long drift = billing.count("""
          SELECT count(*) FROM seedbox_billing_accounts a
           WHERE a.balance_cents <> coalesce((SELECT sum(amount_cents) FROM seedbox_ledger_entries e
                                               WHERE e.account_uid = a.uid), 0)""");
      assertThat(drift).isZero();

      // the same processing one by one without HTTP, on the next PAYMENTS rows: splits the time between the HTTP
      // path and the ledger transaction
      long directStart = System.nanoTime();
      int direct = direct(billing, PAYMENTS, PAYMENTS + PAYMENTS - WARMUP);
      double directSeconds = (System.nanoTime() - directStart) / 1e9;
      assertThat(direct).isEqualTo(PAYMENTS - WARMUP);

      double minimalTps = pgbenchMinimal(db);
      // diagnostic, not the target: the same pgbench driving our credit function directly (no JVM, no HTTP) shows
      // the database's own ceiling for the one-by-one credit path on this machine
      double functionTps = pgbenchCreditFunction(billing, db);
      double equivalentTps = equivalentSum / ROUNDS;
      List<Double> sorted = new ArrayList<>(ratios);
      sorted.sort(null);
      System.out.printf("BENCH in-process PaymentEvents.handle one by one (no HTTP, no group commit): %d in %.2f s"
          + " = %.0f/s with %d threads%n", direct, directSeconds, direct / directSeconds, CLIENTS);
      System.out.printf("BENCH webhook credits: %d in %.2f s = %.0f/s with %d clients, %s writers%n", credited,
          seconds, webhookTps, CLIENTS, WRITERS);
      System.out.printf("BENCH pgbench equivalent credit transaction: %.0f tps (mean of %d rounds) with %d clients%n",
          equivalentTps, ROUNDS, CLIENTS);
      System.out.printf("BENCH ratio webhook/pgbench-equivalent = %.2f, median of rounds %s (target >= 0.70)%n",
          sorted.get(sorted.size() / 2), ratios.stream().map(r -> String.format("%.2f", r)).toList());
      System.out.printf("BENCH pgbench minimal lock-insert-update transaction: %.0f tps; ratio webhook/minimal = %.2f"
          + " (not the target: it writes 2 of a credit's 5 rows)%n", minimalTps, webhookTps / minimalTps);
      System.out.printf("BENCH diagnostic: pgbench calling seedbox_credit_paid_webhook directly: %.0f tps"
          + " (ratio %.2f to the equivalent transaction)%n", functionTps, functionTps / equivalentTps);
      System.out.printf("BENCH load average at the end: %s%n", loadAverage());
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
          int credited = 0;
          if (JDK_CLIENT) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
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
          }
          try (KeepAliveClient http = new KeepAliveClient(url)) {
            for (int i = next.getAndIncrement(); i < to; i = next.getAndIncrement()) {
              if (http.post(signatures.get(i), bodies.get(i)).contains("\"credited\"")) {
                credited++;
              }
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

  private static double pgbenchCreditFunction(RunningBillingController billing, PostgresDatabase db)
      throws IOException, InterruptedException {
    int perClient = Integer.getInteger("bench.functionPerClient", 2_500);
    seedClientPayments(billing, "pay_fn_", perClient);
    // each client credits its own rows in order: pgbench keeps :n across a client's transactions
    Path script = Files.createTempFile("credit-fn", ".sql");
    Files.writeString(script, """
        \\set n :n + 1
        SELECT * FROM seedbox_credit_paid_webhook(NULL, 'pay_fn_' || (:client_id + 1) || '_' || :n, 'payment.confirmed', 'evt_fn_' || :client_id || '_' || :n, 'billing-controller', now(), 'seedbox_ledger');
        """);
    String out = runPgbench(db, script, "-M", "prepared", "-t", Integer.toString(perClient), "-D", "n=0");
    long credited = billing.count("SELECT count(*) FROM seedbox_payments WHERE gateway_payment_id LIKE 'pay_fn_%'"
        + " AND status = 'credited'");
    if (credited != (long) perClient * CLIENTS) {
      throw new IllegalStateException("the function run credited " + credited + " rows, expected "
          + (long) perClient * CLIENTS + ":\n" + out);
    }
    return tps(out);
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String runPgbench(PostgresDatabase db, Path script, String... limit)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(PGBENCH, "-n", "-c", Integer.toString(CLIENTS), "-j", "2"));
    command.addAll(List.of(limit));
    command.addAll(List.of("-f", script.toString(), "-h", "localhost",
        "-p", Integer.toString(PostgresDatabase.server().getPort()), "-U", "postgres", db.databaseName()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    System.out.println(out);
    return out;
  }

  private static double tps(String pgbenchOutput) {
    Matcher tps = Pattern.compile("tps = ([0-9.]+)").matcher(pgbenchOutput);
    if (!tps.find()) {
      throw new IllegalStateException("pgbench printed no tps:\n" + pgbenchOutput);
    }
    return Double.parseDouble(tps.group(1));
  }

  /**
   * A minimal HTTP/1.1 client on one keep-alive connection, the webhook sender's side of the wire and no more: the
   * load generator shares the two cores with the server, and pgbench's own client is a lean C loop, so the JVM's
   * general-purpose HttpClient would mostly measure itself. Every response is still read in full and checked.
   */
  private static final class KeepAliveClient implements AutoCloseable {

    private final java.net.Socket socket;
    private final java.io.OutputStream out;
    private final java.io.InputStream in;
    private final String head;

    KeepAliveClient(URI url) throws IOException {
      socket = new java.net.Socket(url.getHost(), url.getPort());
      socket.setTcpNoDelay(true);
      out = new java.io.BufferedOutputStream(socket.getOutputStream(), 4096);
      in = new java.io.BufferedInputStream(socket.getInputStream(), 4096);
      head = "POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
          + "\r\nContent-Type: application/json\r\n" + WebhookVerifier.HEADER + ": ";
    }

    /** Returns the body of a 200 answer; anything else fails the benchmark. */
    String post(String signature, byte[] body) throws IOException {
      out.write((head + signature + "\r\nContent-Length: " + body.length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      String status = line();
      int length = -1;
      for (String h = line(); !h.isEmpty(); h = line()) {
        int colon = h.indexOf(':');
        if (colon > 0 && h.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
          length = Integer.parseInt(h.substring(colon + 1).trim());
        }
      }
      if (length < 0) {
        throw new IOException("answer without content-length: " + status);
      }
      String answer = new String(in.readNBytes(length), StandardCharsets.UTF_8);
      if (!status.startsWith("HTTP/1.1 200")) {
        throw new IOException(status + ": " + answer);
      }
      return answer;
    }

    private String line() throws IOException {
      StringBuilder b = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new IOException("connection closed mid-answer");
        }
        if (c != '\r') {
          b.append((char) c);
        }
      }
      return b.toString();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /**
   * The target's baseline: pgbench crediting fresh payment rows with a hand-written credit, statement by statement,
   * on the same tables, indexes and triggers as our path, as the superuser, with prepared statements:
   * lock the payment row and read it, dedupe row, lock the account row and read its balance, the entry with its
   * balance-after (the entries trigger moves the cached balance and checks the chain), payment status, last top-up,
   * audit event, NOTIFY, commit. It writes what a credit writes; what it leaves out is everything around the rows: HTTP,
   * the signature, the JSON, matching and the settle check.
   */
  private static double pgbenchEquivalentCredit(RunningBillingController billing, PostgresDatabase db, int from,
      int perClient) throws IOException, InterruptedException {
    Path script = Files.createTempFile("credit-equivalent", ".sql");
    Files.writeString(script, """
        \\set n :n + 1
        BEGIN;
        SELECT id AS pid, account_uid AS aid, amount_cents AS amount FROM seedbox_payments WHERE gateway_payment_id = 'pay_eq_' || (:client_id + 1) || '_' || :n FOR NO KEY UPDATE \\gset
        INSERT INTO seedbox_webhook_events (payment_id, type, event_id, received_at) VALUES ('pay_eq_' || (:client_id + 1) || '_' || :n, 'payment.confirmed', 'evt_eq_' || :client_id || '_' || :n, now()) ON CONFLICT DO NOTHING;
        SELECT balance_cents AS balance FROM seedbox_billing_accounts WHERE uid = :aid::text FOR NO KEY UPDATE \\gset
        INSERT INTO seedbox_ledger_entries (account_uid, kind, amount_cents, balance_after_cents, idempotency_key, payment_key, actor, occurred_at) VALUES (:aid::text, 'TopUp', :amount::bigint, :balance::bigint + :amount::bigint, 'topup:' || :pid::text, :pid::text, 'pgbench', now());
        UPDATE seedbox_payments SET status = 'credited', updated_at = now() WHERE id = :pid::uuid;
        UPDATE seedbox_billing_accounts SET last_top_up_at = now(), last_top_up_cents = :amount::bigint, version = version + 1, updated_at = now() WHERE uid = :aid::text;
        INSERT INTO seedbox_audit_events (occurred_at, actor, action, resource, detail) VALUES (now(), 'pgbench', 'ledger.top-up', 'billingaccount:' || :aid::text, jsonb_build_object('paymentKey', :pid::text, 'amountCents', :amount::bigint, 'balanceCents', :balance::bigint + :amount::bigint));
        SELECT pg_notify('seedbox_ledger', :aid::text);
        END;
        """);
    // prepared statements, as a hand-written client would use; our path is server-prepared by pgjdbc too
    String out = runPgbench(db, script, "-M", "prepared", "-t", Integer.toString(perClient), "-D", "n=" + from);
    long credited = billing.count("SELECT count(*) FROM seedbox_payments WHERE gateway_payment_id LIKE 'pay_eq_%'"
        + " AND status = 'credited'");
    if (credited != (long) (from + perClient) * CLIENTS) {
      throw new IllegalStateException("the equivalent transaction credited " + credited + " rows in all, expected "
          + (long) (from + perClient) * CLIENTS + ":\n" + out);
    }
    return tps(out);
  }

  /**
   * Pending rows for pgbench, {@code perClient} for each client, with gateway ids {@code <prefix><client>_<n>} (client
   * from 1, n from 1) that a script walks with {@code :client_id + 1} and its own {@code :n}.
   */
  private static void seedClientPayments(RunningBillingController billing, String prefix, int perClient) {
    billing.ledger().jdbi().useTransaction(h -> h.execute("""
        INSERT INTO seedbox_payments (id, account_uid, amount_cents, blockchain, gateway_payment_id, created_at,
                                      updated_at)
        SELECT gen_random_uuid(), 'bench-' || (1 + (c * ? + n) % ?), 1000, 'BTC', ? || c || '_' || n, now(), now()
          FROM generate_series(1, ?) c, generate_series(1, ?) n""", perClient, ACCOUNTS, prefix, CLIENTS, perClient));
  }

  /**
   * The first measurements' baseline, reported beside the target's: lock the account row and read its balance, insert
   * an entry with a unique idempotency key and its balance-after, update the cached balance, commit, on tables without
   * triggers (five round trips, prepared statements). It writes two of the five rows a credit writes.
   */
  private static double pgbenchMinimal(PostgresDatabase db) throws IOException, InterruptedException {
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
    return tps(runPgbench(db, script, "-M", "prepared", "-T", Integer.toString(PGBENCH_SECONDS)));
  }
}

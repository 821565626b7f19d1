package dev.seedbox.runtime;

import com.zaxxer.hikari.HikariDataSource;
import dev.seedbox.ledger.LedgerModule;
import dev.seedbox.ledger.audit.AuditSealer;
import dev.seedbox.ledger.audit.ChainHead;
import dev.seedbox.ledger.audit.ChainReport;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code verify}, shared by both mains and the chart's Helm test: connected as the service's runtime role, walks the
 * audit chain, recomputing every hash, checks it against the head the sealer last published
 * ({@code SEEDBOX_AUDIT_HEAD=<seq>:<hex>}, read from the sealer's log line or metric), and reports events left
 * unsealed longer than {@code SEEDBOX_AUDIT_UNSEALED_LIMIT} (default 15 minutes). Exit 0 when all is clean, 1
 * otherwise.
 */
public final class VerifyCommand {

  public static final int EXIT_CLEAN = 0;
  public static final int EXIT_FINDINGS = 1;

  private final DatabaseSettings database;
  private final Optional<ChainHead> published;
  private final Duration unsealedLimit;

  private VerifyCommand(DatabaseSettings database, Optional<ChainHead> published, Duration unsealedLimit) {
    this.database = database;
    this.published = published;
    this.unsealedLimit = unsealedLimit;
  }

  /** Reads its settings; problems are collected in {@code env} like every other setting. */
  public static VerifyCommand read(Environment env) {
    DatabaseSettings database = DatabaseSettings.read(env, Command.VERIFY);
    String head = env.string("SEEDBOX_AUDIT_HEAD", "");
    Optional<ChainHead> published = Optional.empty();
    if (!head.isEmpty()) {
      try {
        published = Optional.of(ChainHead.parse(head));
      } catch (IllegalArgumentException e) {
        env.problem("SEEDBOX_AUDIT_HEAD: " + e.getMessage());
      }
    }
    Duration limit = env.duration("SEEDBOX_AUDIT_UNSEALED_LIMIT", Duration.ofMinutes(15));
    return new VerifyCommand(database, published, limit);
  }

  /** Runs the check and prints one line per finding; returns the exit code. */
  public int run(Clock clock, PrintStream out) {
    try (HikariDataSource runtime = database.runtimeDataSource("seedbox-verify")) {
      ChainReport report = new AuditSealer(Jdbi.create(runtime), clock, LedgerModule.LOCK_LIMIT)
          .report(published, unsealedLimit);
      report.lines().forEach(out::println);
      return report.passed() ? EXIT_CLEAN : EXIT_FINDINGS;
    }
  }
}

package dev.seedbox.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.ledger.LedgerModule;
import dev.seedbox.ledger.audit.ChainHead;
import dev.seedbox.ledger.testing.PostgresDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class VerifyCommandTest {

  @RegisterExtension
  static final PostgresDatabase DB = new PostgresDatabase();

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private int verify(String head) {
    Environment env = Environment.of(Map.of(
        "SEEDBOX_DB_URL", DB.jdbcUrl(PostgresDatabase.BILLING_ROLE),
        "SEEDBOX_DB_USER", PostgresDatabase.BILLING_ROLE,
        "SEEDBOX_DB_PASSWORD", PostgresDatabase.PASSWORD,
        "SEEDBOX_DB_POOL_SIZE", "1",
        "SEEDBOX_AUDIT_HEAD", head));
    VerifyCommand command = VerifyCommand.read(env);
    env.check();
    return command.run(Clock.systemUTC(), new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  @Test
  void passesOnTheChainThatWasPublishedAndFailsOnOneThatIsShorter() {
    LedgerModule ledger = LedgerModule.create(DB.billing(), Clock.systemUTC());
    ledger.audit().append("writer", "test.one", "x", Map.of());
    ledger.audit().append("writer", "test.two", "x", Map.of());
    ChainHead head = ledger.sealer().seal().head().orElseThrow();

    assertThat(verify(head.toString())).isEqualTo(VerifyCommand.EXIT_CLEAN);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("matches the published head " + head);

    ChainHead later = new ChainHead(head.seq() + 3, head.hash());
    assertThat(verify(later.toString())).isEqualTo(VerifyCommand.EXIT_FINDINGS);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("BROKEN").contains("truncated");
  }

  @Test
  void saysLoudlyWhenNoHeadWasGiven() {
    assertThat(verify("")).isEqualTo(VerifyCommand.EXIT_CLEAN);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("no published head given");
  }
}

package dev.seedbox.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.ledger.payments.Payment;
import dev.seedbox.ledger.payments.PaymentStatus;
import dev.seedbox.ledger.testing.PostgresDatabase;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The lookups the billing-controller's top-up API needs: a payment row under our own id, an account by name. */
class PaymentRowsTest {

  @RegisterExtension
  static final PostgresDatabase DB = new PostgresDatabase(4);

  private LedgerTestSupport t;

  @BeforeEach
  void setUp() {
    t = new LedgerTestSupport(DB, "2025-03-01T00:00:00Z");
  }

  @Test
  void createIfAbsentStoresOnceAndReturnsTheStoredRowUnchangedOnRepeat() {
    String account = t.openAccount(0, 7);
    UUID id = UUID.randomUUID();

    Payment first = t.module.jdbi().inTransaction(h -> t.module.payments().createIfAbsent(h, id, account, 2500, "BTC"));
    t.clock.advance(Duration.ofMinutes(1));
    Payment again = t.module.jdbi().inTransaction(h -> t.module.payments().createIfAbsent(h, id, account, 9999, "ETH"));

    assertThat(first.id()).isEqualTo(id);
    assertThat(first.status()).isEqualTo(PaymentStatus.PENDING);
    assertThat(again).isEqualTo(first);
    long rows = t.module.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM seedbox_payments WHERE id = :id")
        .bind("id", id).mapTo(Long.class).one());
    assertThat(rows).isEqualTo(1L);
  }

  @Test
  void accountByNameFindsTheNewestAccountWithThatNamespaceAndName() {
    String old = UUID.randomUUID().toString();
    String recreated = UUID.randomUUID().toString();
    t.ledger().openAccount(new AccountSpec(old, "shop", "dora", "dora@example.com", "USD", 0, 7), "test");
    t.clock.advance(Duration.ofDays(1));
    t.ledger().openAccount(new AccountSpec(recreated, "shop", "dora", "dora@example.com", "USD", 0, 7), "test");

    assertThat(t.ledger().accountByName("shop", "dora")).map(AccountSnapshot::uid).contains(recreated);
    assertThat(t.ledger().accountByName("shop", "nobody")).isEmpty();
    assertThat(t.ledger().accountByName("other", "dora")).isEmpty();
  }
}

package dev.seedbox.billing.ledger;

import dev.seedbox.billing.gateway.Blockchain;
import dev.seedbox.billing.topup.AccountRef;
import dev.seedbox.billing.topup.IdempotencyConflictException;
import dev.seedbox.billing.topup.PaymentStore;
import dev.seedbox.billing.topup.StoredPayment;
import dev.seedbox.billing.topup.UnknownAccountException;
import dev.seedbox.billing.topup.UsdAmount;
import dev.seedbox.ledger.AccountSnapshot;
import dev.seedbox.ledger.Ledger;
import dev.seedbox.ledger.payments.Payment;
import dev.seedbox.ledger.payments.Payments;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Top-up rows in {@code seedbox_payments}. Our payment id is derived from the caller's request key (a name-based
 * UUID), so a retry with the same key finds the same row without a column of its own, and the key stays unique by
 * construction.
 */
public final class LedgerPaymentStore implements PaymentStore {

  private final Jdbi jdbi;
  private final Ledger ledger;
  private final Payments payments;
  private final LedgerPaymentEvents events;

  public LedgerPaymentStore(Jdbi jdbi, Ledger ledger, Payments payments, LedgerPaymentEvents events) {
    this.jdbi = jdbi;
    this.ledger = ledger;
    this.payments = payments;
    this.events = events;
  }

  /** Our payment id for a request key. */
  public static UUID paymentIdFor(String requestKey) {
    return UUID.nameUUIDFromBytes(("seedbox-topup-request:" + requestKey).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public StoredPayment createPending(AccountRef account, UsdAmount amount, Blockchain blockchain, String requestKey,
      String gateway) {
    return events.inTransaction(h -> {
      AccountSnapshot snapshot = ledger.accountByName(h, account.namespace(), account.name())
          .orElseThrow(() -> new UnknownAccountException(account));
      Payment row = payments.createIfAbsent(h, paymentIdFor(requestKey), snapshot.uid(), amount.cents(),
          blockchain.name(), gateway);
      return stored(h, row);
    });
  }

  @Override
  public StoredPayment attachGateway(String paymentId, String gatewayPaymentId) {
    UUID id = UUID.fromString(paymentId);
    try {
      return events.inTransaction(h -> stored(h, events.attachGateway(h, id, gatewayPaymentId)));
    } catch (IllegalStateException e) {
      throw new IdempotencyConflictException(e.getMessage());
    }
  }

  @Override
  public Optional<StoredPayment> find(String paymentId) {
    UUID id;
    try {
      id = UUID.fromString(paymentId);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return jdbi.withHandle(h -> payments.byId(h, id).map(row -> stored(h, row)));
  }

  private StoredPayment stored(Handle h, Payment row) {
    // the row's own account, which for a reused key may differ from the request's: the caller compares
    AccountSnapshot owner = ledger.account(h, row.accountUid()).orElseThrow();
    Blockchain chain = Blockchain.parse(row.blockchain()).orElseThrow(() -> new IllegalStateException(
        "payment " + row.id() + " has blockchain '" + row.blockchain() + "', expected one of " + Blockchain.allowed()));
    return new StoredPayment(row.id().toString(), new AccountRef(owner.namespace(), owner.name()), row.accountUid(),
        new UsdAmount(row.amountCents()), chain, row.createdAt(), row.gatewayPaymentId(), row.status().wireName());
  }
}

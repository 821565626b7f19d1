package dev.seedbox.billing.topup;

import dev.seedbox.billing.gateway.Blockchain;
import dev.seedbox.billing.gateway.GatewayPayment;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test double of our own persistence seam, following the {@link PaymentStore} contract (unique request key, payload
 * check, idempotent attach) until the ledger-backed store replaces it. Never in main code.
 */
public final class InMemoryPaymentStore implements PaymentStore {

  private final Map<AccountRef, String> accounts = new ConcurrentHashMap<>();
  private final Map<String, StoredPayment> rows = new ConcurrentHashMap<>();

  public InMemoryPaymentStore withAccount(AccountRef account, String uid) {
    accounts.put(account, uid);
    return this;
  }

  @Override
  public synchronized StoredPayment createPending(
      AccountRef account, UsdAmount amount, Blockchain blockchain, String requestKey) {
    Optional<StoredPayment> existing =
        rows.values().stream().filter(row -> row.requestKey().equals(requestKey)).findFirst();
    if (existing.isPresent()) {
      if (!existing.get().samePayload(account, amount, blockchain)) {
        throw new IdempotencyConflictException("request key reused with a different top-up");
      }
      return existing.get();
    }
    String uid = accounts.get(account);
    if (uid == null) {
      throw new UnknownAccountException(account);
    }
    StoredPayment row = new StoredPayment(UUID.randomUUID().toString(), account, uid, amount, blockchain, requestKey,
        Instant.now(), null);
    rows.put(row.id(), row);
    return row;
  }

  @Override
  public synchronized StoredPayment attachGateway(String paymentId, GatewayPayment gatewayPayment) {
    StoredPayment row = rows.get(paymentId);
    if (row == null) {
      throw new IllegalStateException("expected payment " + paymentId + ", found none");
    }
    if (row.gateway() != null && !row.gateway().id().equals(gatewayPayment.id())) {
      throw new IdempotencyConflictException("payment " + paymentId + " already has gateway payment "
          + row.gateway().id() + ", found " + gatewayPayment.id());
    }
    StoredPayment updated = new StoredPayment(row.id(), row.account(), row.accountUid(), row.amount(),
        row.blockchain(), row.requestKey(), row.createdAt(), gatewayPayment);
    rows.put(paymentId, updated);
    return updated;
  }

  @Override
  public Optional<StoredPayment> find(String paymentId) {
    return Optional.ofNullable(rows.get(paymentId));
  }

  public List<StoredPayment> all() {
    return List.copyOf(rows.values());
  }
}

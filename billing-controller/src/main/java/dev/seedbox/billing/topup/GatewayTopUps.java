package dev.seedbox.billing.topup;

import dev.seedbox.billing.gateway.Blockchain;
import dev.seedbox.billing.gateway.CoinPayPortalClient;
import dev.seedbox.billing.gateway.CreatePayment;
import dev.seedbox.billing.gateway.GatewayException;
import dev.seedbox.billing.gateway.GatewayPayment;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our row first, then the gateway, then the gateway's id on our row. A crash or gateway failure between the steps
 * leaves a pending row that a retry with the same key resumes (same payment id, same Idempotency-Key at the gateway),
 * and whose webhook matches through {@code metadata.payment_id} even if the gateway's answer never reached us.
 */
public final class GatewayTopUps implements TopUps {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayTopUps.class);

  private final PaymentStore store;
  private final CoinPayPortalClient gateway;

  public GatewayTopUps(PaymentStore store, CoinPayPortalClient gateway) {
    this.store = store;
    this.gateway = gateway;
  }

  @Override
  public TopUp start(AccountRef account, UsdAmount amount, Blockchain blockchain, String requestKey) {
    StoredPayment pending = store.createPending(account, amount, blockchain, requestKey);
    if (!pending.samePayload(account, amount, blockchain)) {
      throw new IdempotencyConflictException("Idempotency-Key was first used for " + pending.amount() + " USD in "
          + pending.blockchain() + " on " + pending.account() + ", found " + amount + " USD in " + blockchain
          + " on " + account);
    }
    if (pending.gatewayPaymentId() != null) {
      // A retry of a top-up whose gateway payment we recorded: we keep only its id, so ask the gateway again for the
      // address, amount and expiry rather than opening a second payment.
      return new TopUp(pending, gateway.get(pending.gatewayPaymentId()));
    }
    GatewayPayment created;
    try {
      created = gateway.create(new CreatePayment(
          pending.id(), pending.accountUid(), amount.toDecimal(), blockchain,
          Map.of("account", account.toString())));
    } catch (GatewayException e) {
      LOG.warn("top-up {} for {}: gateway did not create the payment ({}); the pending row stays for a retry",
          pending.id(), account, e.getClass().getSimpleName());
      throw e;
    }
    StoredPayment recorded = store.attachGateway(pending.id(), created.id());
    LOG.info("top-up {} for {}: {} USD in {} opened at the gateway as {}",
        pending.id(), account, amount, blockchain, created.id());
    return new TopUp(recorded, created);
  }
}

package dev.seedbox.billing.topup;

import dev.seedbox.billing.gateway.Blockchain;
import dev.seedbox.billing.gateway.CreatePayment;
import dev.seedbox.billing.gateway.GatewayException;
import dev.seedbox.billing.gateway.GatewayPayment;
import dev.seedbox.billing.gateway.PaymentGateway;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our row first, then the gateway, then the gateway's id on our row. A crash or gateway failure between the steps
 * leaves a pending row that a retry with the same key resumes (same payment id, same Idempotency-Key at the gateway),
 * and whose webhook matches through {@code metadata.payment_id} even if the gateway's answer never reached us.
 *
 * <p>The gateway may ignore the Idempotency-Key, so concurrent requests with one key must not each open a payment:
 * on this replica the first one opens it and the others wait for, and answer with, its result. A request on another
 * replica that opened one as well finds our row taken when it records its id, and answers with the recorded payment;
 * its own gateway payment stays unused (should it be paid, it credits our row at most once).
 */
public final class GatewayTopUps implements TopUps {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayTopUps.class);

  private final PaymentStore store;
  private final PaymentGateway gateway;
  private final ConcurrentMap<String, CompletableFuture<TopUp>> opening = new ConcurrentHashMap<>();

  public GatewayTopUps(PaymentStore store, PaymentGateway gateway) {
    this.store = store;
    this.gateway = gateway;
  }

  @Override
  public TopUp start(AccountRef account, UsdAmount amount, Blockchain blockchain, String requestKey) {
    StoredPayment pending = store.createPending(account, amount, blockchain, requestKey, gateway.name());
    if (!pending.samePayload(account, amount, blockchain)) {
      throw new IdempotencyConflictException("Idempotency-Key was first used for " + pending.amount() + " USD in "
          + pending.blockchain() + " on " + pending.account() + ", found " + amount + " USD in " + blockchain
          + " on " + account);
    }
    CompletableFuture<TopUp> mine = new CompletableFuture<>();
    CompletableFuture<TopUp> running = opening.putIfAbsent(pending.id(), mine);
    if (running != null) {
      return answerOf(running);
    }
    try {
      TopUp topUp = open(pending.id(), account, amount, blockchain);
      mine.complete(topUp);
      return topUp;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      opening.remove(pending.id(), mine);
    }
  }

  private TopUp open(String paymentId, AccountRef account, UsdAmount amount, Blockchain blockchain) {
    // read again under our claim: a request that finished just before it may have recorded the gateway's id
    StoredPayment pending = store.find(paymentId).orElseThrow();
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
    StoredPayment recorded;
    try {
      recorded = store.attachGateway(pending.id(), created.id());
    } catch (IdempotencyConflictException e) {
      StoredPayment winner = store.find(paymentId).orElseThrow();
      LOG.warn("top-up {} for {}: another replica recorded gateway payment {} first; answering with it and leaving"
          + " {} unused", pending.id(), account, winner.gatewayPaymentId(), created.id());
      return new TopUp(winner, gateway.get(winner.gatewayPaymentId()));
    }
    LOG.info("top-up {} for {}: {} USD in {} opened at the gateway as {}",
        pending.id(), account, amount, blockchain, created.id());
    return new TopUp(recorded, created);
  }

  private static TopUp answerOf(CompletableFuture<TopUp> running) {
    try {
      return running.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }
}

package dev.seedbox.billing.topup;

import dev.seedbox.billing.gateway.Blockchain;
import dev.seedbox.billing.gateway.GatewayPayment;
import java.util.Optional;

/**
 * Our side of a top-up's persistence. SEAM(ledger): implemented on {@code seedbox_payments} next session; each method
 * is one short transaction and none is held across the gateway call.
 */
public interface PaymentStore {

  /**
   * Creates our pending payment row, or returns the existing one for the same {@code requestKey} (unique).
   *
   * @throws UnknownAccountException no such account
   * @throws IdempotencyConflictException the key exists with a different account, amount or chain
   */
  StoredPayment createPending(AccountRef account, UsdAmount amount, Blockchain blockchain, String requestKey);

  /**
   * Records the gateway's answer on our row. Idempotent for the same gateway payment id; a row that already holds a
   * different gateway id keeps it and this throws {@link IdempotencyConflictException} (the second gateway payment's
   * webhook still matches through metadata.payment_id and is handled as unmatched/duplicate by the ledger).
   * Recording a gateway id is also the moment unmatched webhooks for it are retried.
   */
  StoredPayment attachGateway(String paymentId, GatewayPayment gatewayPayment);

  Optional<StoredPayment> find(String paymentId);
}

package dev.seedbox.billing.topup;

import dev.seedbox.billing.gateway.Blockchain;
import java.util.Optional;

/** Our side of a top-up's persistence; each method is one short transaction and none is held across the gateway call. */
public interface PaymentStore {

  /**
   * Creates our pending payment row, to be opened at {@code gateway}, or returns the existing one for the same
   * {@code requestKey}. The caller compares the payload of a returned row with its request.
   *
   * @throws UnknownAccountException no such account
   */
  StoredPayment createPending(AccountRef account, UsdAmount amount, Blockchain blockchain, String requestKey,
      String gateway);

  /**
   * Records the gateway's payment id on our row. Idempotent for the same gateway payment id; a row that already holds
   * a different gateway id keeps it and this throws {@link IdempotencyConflictException} (the second gateway payment's
   * webhook still matches through metadata.payment_id). Recording a gateway id also re-runs, in the same
   * transaction, the unmatched webhooks kept for it.
   */
  StoredPayment attachGateway(String paymentId, String gatewayPaymentId);

  Optional<StoredPayment> find(String paymentId);
}

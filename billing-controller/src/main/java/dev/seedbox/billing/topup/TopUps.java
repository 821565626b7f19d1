package dev.seedbox.billing.topup;

import dev.seedbox.billing.gateway.Blockchain;

/** Starts a crypto top-up of a billing account. Called off the event loop; blocks on the gateway. */
public interface TopUps {

  /**
   * @param requestKey the caller's {@code Idempotency-Key}, or a fresh random one when the caller sent none; the same
   *     key with the same account, amount and chain resumes the same payment instead of starting another
   * @throws UnknownAccountException no such account
   * @throws IdempotencyConflictException the key was used for a different request
   * @throws dev.seedbox.billing.gateway.GatewayException the gateway did not create the payment (the pending row
   *     stays, and a retry with the same key resumes it)
   */
  TopUp start(AccountRef account, UsdAmount amount, Blockchain blockchain, String requestKey);
}

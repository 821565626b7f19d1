package dev.seedbox.billing.topup;

import dev.seedbox.billing.gateway.Blockchain;
import java.time.Instant;
import java.util.Optional;

/**
 * Our payment row ({@code seedbox_payments}): written before the gateway is called, so a payment the gateway creates
 * always has a row to be matched to.
 *
 * @param id our payment id (sent to the gateway as Idempotency-Key and metadata.payment_id)
 * @param accountUid the BillingAccount's UID, from the ledger's account row
 * @param amount what we asked for, and so what a confirmed payment credits
 * @param gatewayPaymentId the gateway's payment id once recorded; {@code null} while pending without a gateway answer
 * @param status pending, confirmed, expired or credited
 */
public record StoredPayment(
    String id, AccountRef account, String accountUid, UsdAmount amount, Blockchain blockchain, Instant createdAt,
    String gatewayPaymentId, String status) {

  public Optional<String> gatewayId() {
    return Optional.ofNullable(gatewayPaymentId);
  }

  public boolean samePayload(AccountRef otherAccount, UsdAmount otherAmount, Blockchain otherChain) {
    return account.equals(otherAccount) && amount.equals(otherAmount) && blockchain == otherChain;
  }
}

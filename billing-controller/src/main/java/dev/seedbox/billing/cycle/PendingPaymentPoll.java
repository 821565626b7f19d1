package dev.seedbox.billing.cycle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seedbox.billing.gateway.CoinPayPortalClient;
import dev.seedbox.billing.gateway.GatewayException;
import dev.seedbox.billing.gateway.GatewayPayment;
import dev.seedbox.billing.webhook.PaymentEventOutcome;
import dev.seedbox.billing.webhook.PaymentEvents;
import dev.seedbox.billing.webhook.WebhookEvent;
import dev.seedbox.ledger.payments.Payment;
import dev.seedbox.ledger.payments.Payments;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs missed webhooks: asks the gateway ({@code GET /api/payments/{id}}) about our payments still pending after
 * {@code SEEDBOX_PAYMENT_POLL_AFTER}, and feeds what it reports through the same {@link PaymentEvents} path a
 * webhook takes, so the dedupe on (payment, type) and the once-per-payment credit hold across both.
 */
public final class PendingPaymentPoll {

  private static final Logger LOG = LoggerFactory.getLogger(PendingPaymentPoll.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Payments payments;
  private final CoinPayPortalClient gateway;
  private final PaymentEvents events;
  private final Clock clock;
  private final Duration pollAfter;
  private final String businessId;

  public PendingPaymentPoll(Payments payments, CoinPayPortalClient gateway, PaymentEvents events, Clock clock,
      Duration pollAfter, String businessId) {
    this.payments = payments;
    this.gateway = gateway;
    this.events = events;
    this.clock = clock;
    this.pollAfter = pollAfter;
    this.businessId = businessId;
  }

  /** Polls once; returns how many payments were credited by it. */
  public int repair() {
    int credited = 0;
    for (Payment payment : payments.awaitingConfirmation(clock.instant().minus(pollAfter))) {
      if (payment.gatewayPaymentId() == null) {
        // never opened at the gateway (or its answer was lost): nothing to ask about; its webhook matches by metadata
        continue;
      }
      GatewayPayment seen;
      try {
        seen = gateway.get(payment.gatewayPaymentId());
      } catch (GatewayException e) {
        LOG.warn("poll of payment {} ({}) failed: {}", payment.id(), payment.gatewayPaymentId(), e.getMessage());
        continue;
      }
      Optional<String> type = eventType(seen.status());
      if (type.isEmpty()) {
        continue;
      }
      PaymentEventOutcome outcome = events.handle(event(payment, seen, type.get()));
      LOG.info("poll of payment {} ({}): gateway says {}, {}", payment.id(), seen.id(), seen.status(), outcome.tag());
      if (outcome instanceof PaymentEventOutcome.Credited) {
        credited++;
      }
    }
    return credited;
  }

  /** The webhook type the gateway would have sent for a status; empty while nothing final happened. */
  static Optional<String> eventType(String status) {
    return switch (status) {
      // forwarding happens only after confirmation
      case "confirmed", "forwarding" -> Optional.of(WebhookEvent.CONFIRMED);
      case "forwarded" -> Optional.of(WebhookEvent.FORWARDED);
      case "expired" -> Optional.of(WebhookEvent.EXPIRED);
      default -> Optional.empty();
    };
  }

  private WebhookEvent event(Payment payment, GatewayPayment seen, String type) {
    Instant now = clock.instant();
    String id = "poll_" + seen.id() + "_" + now.toEpochMilli();
    String amount = seen.amountUsd() == null ? "" : seen.amountUsd().toPlainString();
    ObjectNode root = JSON.createObjectNode().put("id", id).put("type", type);
    ObjectNode data = root.putObject("data").put("payment_id", seen.id()).put("status", seen.status())
        .put("amount_usd", amount);
    data.putObject("metadata").put("payment_id", payment.id().toString());
    root.put("created_at", now.toString()).put("business_id", businessId);
    return new WebhookEvent(id, type, seen.id(), seen.status(), now, businessId,
        Map.of("payment_id", payment.id().toString()), amount, root.toString().getBytes(StandardCharsets.UTF_8));
  }
}

package dev.seedbox.billing.ledger;

import dev.seedbox.billing.webhook.MalformedWebhookException;
import dev.seedbox.billing.webhook.PaymentEventOutcome;
import dev.seedbox.billing.webhook.PaymentEvents;
import dev.seedbox.billing.webhook.WebhookEvent;
import dev.seedbox.ledger.Ledger;
import dev.seedbox.ledger.PaidWebhook;
import dev.seedbox.ledger.PaymentCredit;
import dev.seedbox.ledger.Transactions;
import dev.seedbox.ledger.audit.AuditLog;
import dev.seedbox.ledger.payments.Payment;
import dev.seedbox.ledger.payments.PaymentStatus;
import dev.seedbox.ledger.payments.Payments;
import dev.seedbox.ledger.payments.UnmatchedWebhookEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verified webhooks (and the poll's findings) against the ledger, one transaction per event (architecture §3, the payment flow):
 * match the payment by gateway id, else by our id in {@code data.metadata} → dedupe on (gateway payment id, type) →
 * act. A paid event credits the amount on OUR row, keyed by our payment id, so one row is credited at most once
 * whichever of its gateway payments (and event types) report it; the dedupe row, the credit, its audit event and the
 * account's settlement commit together. An event that matches no row is kept as unmatched (outside the dedupe) and
 * re-run when a row gains its gateway id ({@link #attachGateway}).
 *
 * <p>A paid event whose gateway id is on a row costs one database call plus the commit
 * ({@link Ledger#creditPaidWebhook}: lock, dedupe, credit, status, last top-up, audit, NOTIFY; settle only when it
 * could change something). Other event types and the slow path keep their statement-by-statement form.
 *
 * <p>Locks, always in this order: the gateway id's lock row (only on the slow path, when the gateway id is not
 * on a row yet), our payment row, the account row. Attaching a gateway id takes the same lock, so an event
 * is either seen by the attach's re-run or sees the attached id; none falls between.
 */
public final class LedgerPaymentEvents implements PaymentEvents {

  public static final String ACTOR = "billing-controller";

  private static final Logger LOG = LoggerFactory.getLogger(LedgerPaymentEvents.class);

  private final Jdbi jdbi;
  private final Ledger ledger;
  private final Payments payments;
  private final AuditLog audit;
  private final Counter unmatched;
  private final Counter credits;
  private final Counter creditedCents;
  private final Counter held;
  private volatile int tolerancePercent = 1;

  public LedgerPaymentEvents(Jdbi jdbi, Ledger ledger, Payments payments, AuditLog audit, MeterRegistry metrics) {
    this.jdbi = jdbi;
    this.ledger = ledger;
    this.payments = payments;
    this.audit = audit;
    this.unmatched = Counter.builder("seedbox.billing.webhooks.unmatched")
        .description("webhooks for a gateway payment no row of ours carries; an operator settles what stays open")
        .register(metrics);
    this.credits = Counter.builder("seedbox.billing.credits").description("top-ups credited").register(metrics);
    this.creditedCents = Counter.builder("seedbox.billing.credited.cents").description("cents credited by top-ups")
        .register(metrics);
    this.held = Counter.builder("seedbox.billing.payments.held")
        .description("paid events reporting less than our amount beyond the tolerance, held for an operator")
        .register(metrics);
  }

  /**
   * A paid event whose body reports less than our amount by more than {@code percent} % is held for review instead
   * of credited. Set once, at wiring.
   */
  public void holdUnderpaymentsBeyond(int percent) {
    this.tolerancePercent = percent;
  }

  @Override
  public PaymentEventOutcome handle(WebhookEvent event) {
    PaymentEventOutcome outcome;
    try {
      outcome = inTransaction(h -> handle(h, event));
    } catch (Underpaid underpaid) {
      // the credit rolled back with it; the hold is its own transaction
      outcome = inTransaction(h -> hold(h, event, payments.byId(h, underpaid.paymentId).orElseThrow()));
    }
    count(outcome);
    return outcome;
  }

  /**
   * Credits several paid events (each gateway payment id once) in ONE transaction with one ledger call
   * ({@link Ledger#creditPaidWebhooks}), with the same checks and audit events {@link #handle} makes for each.
   * Returns the outcomes by position for the events it settled; the others (no row carries their gateway id, or
   * their row was credited before) had nothing written and must go through {@link #handle}.
   *
   * @throws RuntimeException the batch failed as a whole and nothing of it was written; run its events one by one
   */
  Map<Integer, PaymentEventOutcome> creditTogether(List<WebhookEvent> paid) {
    List<PaidWebhook> webhooks = paid.stream()
        .map(e -> new PaidWebhook(e.gatewayPaymentId(), e.type(), e.id())).toList();
    Map<Integer, PaymentEventOutcome> done = inTransaction(h -> {
      List<PaymentCredit> answers = ledger.creditPaidWebhooks(h, webhooks, ACTOR);
      Map<Integer, PaymentEventOutcome> outcomes = new HashMap<>();
      for (int i = 0; i < answers.size(); i++) {
        PaymentCredit answer = answers.get(i);
        if (!(answer instanceof PaymentCredit.UnknownPayment) && !(answer instanceof PaymentCredit.Deferred)) {
          outcomes.put(i, paid(h, paid.get(i), answer));
        }
      }
      return outcomes;
    });
    done.values().forEach(this::count);
    return done;
  }

  /** Counted after commit, so a rolled-back attempt counts nothing. */
  private void count(PaymentEventOutcome outcome) {
    if (outcome instanceof PaymentEventOutcome.Credited credited) {
      credits.increment();
      creditedCents.increment(credited.amountCents());
    } else if (outcome instanceof PaymentEventOutcome.Unmatched) {
      unmatched.increment();
    } else if (outcome instanceof PaymentEventOutcome.HeldForReview) {
      held.increment();
    }
  }

  /**
   * Records the gateway's id on our row and re-runs the unmatched events kept for that id, in the caller's
   * transaction. Returns the row as it is afterwards.
   *
   * @throws IllegalStateException the row already carries another gateway id
   */
  public Payment attachGateway(Handle h, UUID paymentId, String gatewayPaymentId) {
    lockGatewayId(h, gatewayPaymentId);
    payments.recordGatewayPaymentId(h, paymentId, gatewayPaymentId);
    Payment payment = payments.byId(h, paymentId).orElseThrow();
    for (UnmatchedWebhookEvent kept : payments.openUnmatched(h, gatewayPaymentId)) {
      PaymentEventOutcome outcome;
      try {
        outcome = act(h, payment, WebhookEvent.parse(kept.bodyJson().getBytes(StandardCharsets.UTF_8)));
      } catch (MalformedWebhookException e) {
        // it was verified and parsed once; jsonb cannot make it unparseable, but an operator must see it if it did
        LOG.error("unmatched webhook {} for {} no longer parses: {}", kept.eventId(), gatewayPaymentId, e.getMessage());
        continue;
      }
      payments.resolveUnmatched(h, kept.id(), "matched payment " + paymentId + ": " + outcome.tag());
      LOG.info("unmatched webhook {} {} for {} matched payment {}: {}", kept.eventId(), kept.type(), gatewayPaymentId,
          paymentId, outcome.tag());
      payment = payments.byId(h, paymentId).orElseThrow();
    }
    return payment;
  }

  private PaymentEventOutcome handle(Handle h, WebhookEvent event) {
    String gatewayId = event.gatewayPaymentId();
    if (event.meansPaid()) {
      // the fast path, one database call: match by gateway id, dedupe, credit, settle when it could change anything
      PaymentCredit credit = ledger.creditPaidWebhook(h, null, gatewayId, event.type(), event.id(), ACTOR);
      if (!(credit instanceof PaymentCredit.UnknownPayment)) {
        return paid(h, event, credit);
      }
    } else {
      Optional<Payment> byGatewayId = payments.byGatewayPaymentId(h, gatewayId);
      if (byGatewayId.isPresent()) {
        return act(h, byGatewayId.get(), event);
      }
    }
    // slow path: serialise with an attach of this gateway id, then look again
    lockGatewayId(h, gatewayId);
    Optional<Payment> byGatewayId = payments.byGatewayPaymentId(h, gatewayId);
    if (byGatewayId.isPresent()) {
      return act(h, byGatewayId.get(), event);
    }
    Optional<Payment> ours = ourPaymentId(event).flatMap(id -> payments.byId(h, id));
    if (ours.isEmpty()) {
      payments.recordUnmatched(h, event.id(), gatewayId, event.type(), new String(event.rawBody(),
          StandardCharsets.UTF_8));
      LOG.warn("webhook {} {} for gateway payment {} matches no payment of ours; kept as unmatched", event.id(),
          event.type(), gatewayId);
      return new PaymentEventOutcome.Unmatched(gatewayId);
    }
    Payment payment = ours.get();
    if (payment.gatewayPaymentId() == null) {
      // the gateway created it but its answer never reached us: the webhook is how we learn the id
      payment = attachGateway(h, payment.id(), gatewayId);
      LOG.info("payment {} learned gateway payment {} from webhook {} metadata", payment.id(), gatewayId, event.id());
    } else {
      // a retried create made a second gateway payment for one row of ours; it credits the row at most once
      LOG.warn("gateway payment {} names our payment {}, which carries gateway payment {}; crediting the row at most"
          + " once", gatewayId, payment.id(), payment.gatewayPaymentId());
      audit.append(h, ACTOR, "payment.second-gateway-payment", "payment/" + payment.id(), Map.of(
          "gatewayPaymentId", gatewayId, "recordedGatewayPaymentId", payment.gatewayPaymentId(),
          "type", event.type(), "eventId", event.id()));
    }
    return act(h, payment, event);
  }

  private PaymentEventOutcome act(Handle h, Payment payment, WebhookEvent event) {
    String gatewayId = event.gatewayPaymentId();
    if (event.meansPaid() && ReportedAmount.of(event.reportedAmountUsd()).shortOf(payment.amountCents(),
        tolerancePercent)) {
      return hold(h, event, payment);
    }
    if (event.meansPaid()) {
      PaymentCredit credit = ledger.creditPaidWebhook(h, payment.id(), gatewayId, event.type(), event.id(), ACTOR);
      if (credit instanceof PaymentCredit.UnknownPayment) {
        throw new IllegalStateException("payment " + payment.id() + " vanished while its webhook was processed");
      }
      return paid(h, event, credit);
    }
    if (!payments.recordWebhookEvent(h, gatewayId, event.type(), event.id())) {
      return new PaymentEventOutcome.AlreadyProcessed(gatewayId);
    }
    if (WebhookEvent.EXPIRED.equals(event.type())) {
      payments.markStatus(h, payment.id(), PaymentStatus.EXPIRED);
    }
    return new PaymentEventOutcome.Recorded(gatewayId, event.type());
  }

  private PaymentEventOutcome paid(Handle h, WebhookEvent event, PaymentCredit credit) {
    String gatewayId = event.gatewayPaymentId();
    if (credit instanceof PaymentCredit.AlreadyProcessed) {
      return new PaymentEventOutcome.AlreadyProcessed(gatewayId);
    }
    if (!(credit instanceof PaymentCredit.Credited credited)) {
      return new PaymentEventOutcome.Recorded(gatewayId, event.type());
    }
    ReportedAmount reported = ReportedAmount.of(event.reportedAmountUsd());
    if (reported.shortOf(credited.amountCents(), tolerancePercent)) {
      throw new Underpaid(credited.paymentId());
    }
    if (!reported.matches(credited.amountCents())) {
      audit.append(h, ACTOR, "payment.amount-differs", "payment/" + credited.paymentId(), Map.of(
          "gatewayPaymentId", gatewayId, "reportedAmountUsd", reported.shown(),
          "creditedCents", credited.amountCents()));
      LOG.warn("webhook {} for {} reports {} USD; credited our row's {} cents", event.id(), gatewayId,
          reported.shown(), credited.amountCents());
    }
    // per-webhook detail at DEBUG: the audit event and the credit metrics carry it; INFO on this path cost throughput
    LOG.debug("payment {} ({}) credited {} cents to account {}", credited.paymentId(), gatewayId,
        credited.amountCents(), credited.accountUid());
    return new PaymentEventOutcome.Credited(credited.paymentId().toString(), credited.amountCents());
  }

  /**
   * {@link #handle} for an event of a batch that failed as a whole. The batch may have committed and only its
   * acknowledgement been lost; then the event looks already processed, yet its own credit is what processed it, so
   * it is answered and counted as credited. The event id changes on every resend, and the dedupe row and the credit
   * share their transaction's timestamp, so nothing else can match.
   */
  PaymentEventOutcome handleAfterFailedBatch(WebhookEvent event) {
    PaymentEventOutcome outcome = handle(event);
    if (!(outcome instanceof PaymentEventOutcome.AlreadyProcessed) || !event.meansPaid()) {
      return outcome;
    }
    Optional<PaymentEventOutcome> credited = jdbi.withHandle(h -> h.createQuery("""
            SELECT p.id, e.amount_cents FROM seedbox_webhook_events w
              JOIN seedbox_payments p ON p.gateway_payment_id = w.payment_id OR p.id = CAST(:ours AS uuid)
              JOIN seedbox_ledger_entries e ON e.idempotency_key = 'topup:' || p.id::text
                                           AND e.occurred_at = w.received_at
             WHERE w.payment_id = :gw AND w.type = :type AND w.event_id = :event
             LIMIT 1""")
        .bind("ours", ourPaymentId(event).orElse(null)).bind("gw", event.gatewayPaymentId())
        .bind("type", event.type()).bind("event", event.id())
        .map((rs, ctx) -> (PaymentEventOutcome) new PaymentEventOutcome.Credited(rs.getString("id"),
            rs.getLong("amount_cents")))
        .findOne());
    credited.ifPresent(this::count);
    return credited.orElse(outcome);
  }

  /**
   * Holds a paid event that reports too little: no credit, the payment marked confirmed (the gateway says it is
   * paid), both paid event types recorded so neither credits it later, an audit event for the operator who settles
   * it by an adjustment.
   */
  private PaymentEventOutcome hold(Handle h, WebhookEvent event, Payment payment) {
    String gatewayId = event.gatewayPaymentId();
    if (payment.gatewayPaymentId() == null) {
      attachGateway(h, payment.id(), gatewayId);
    }
    if (!payments.recordWebhookEvent(h, gatewayId, event.type(), event.id())) {
      return new PaymentEventOutcome.AlreadyProcessed(gatewayId);
    }
    String other = WebhookEvent.CONFIRMED.equals(event.type()) ? WebhookEvent.FORWARDED : WebhookEvent.CONFIRMED;
    payments.recordWebhookEvent(h, gatewayId, other, "held:" + event.id());
    payments.markStatus(h, payment.id(), PaymentStatus.CONFIRMED);
    String reported = ReportedAmount.of(event.reportedAmountUsd()).shown();
    audit.append(h, ACTOR, "payment.held-for-review", "payment/" + payment.id(), Map.of(
        "gatewayPaymentId", gatewayId, "type", event.type(), "eventId", event.id(), "reportedAmountUsd", reported,
        "expectedCents", payment.amountCents(), "tolerancePercent", tolerancePercent));
    LOG.warn("webhook {} for {} reports {} USD against our {} cents, short by more than {} %; held for review, not"
        + " credited", event.id(), gatewayId, reported, payment.amountCents(), tolerancePercent);
    return new PaymentEventOutcome.HeldForReview(payment.id().toString(), gatewayId);
  }

  /**
   * Thrown inside the one-call credit's transaction to roll it back when the event reports too little: that call
   * learns our amount only as it credits (other paths check first).
   */
  private static final class Underpaid extends RuntimeException {
    private final UUID paymentId;

    Underpaid(UUID paymentId) {
      super("payment " + paymentId + " reported short of our amount", null, false, false);
      this.paymentId = paymentId;
    }
  }

  private static Optional<UUID> ourPaymentId(WebhookEvent event) {
    return event.ourPaymentId().flatMap(id -> {
      try {
        return Optional.of(UUID.fromString(id));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    });
  }

  /** Held until the transaction ends; a row only the billing role can lock (V9), not an advisory key any role can. */
  private static void lockGatewayId(Handle h, String gatewayPaymentId) {
    h.createQuery("SELECT 1 FROM (SELECT seedbox_lock_gateway_id(:id)) AS locked")
        .bind("id", gatewayPaymentId).mapTo(Integer.class).one();
  }

  <T> T inTransaction(org.jdbi.v3.core.HandleCallback<T, RuntimeException> work) {
    return Transactions.run(jdbi, work);
  }
}

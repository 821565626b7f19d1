package dev.seedbox.ledger.payments;

import java.time.Instant;

/** A gateway event for a payment we have no row for (yet); kept until matched or settled by an operator. */
public record UnmatchedWebhookEvent(long id, String eventId, String paymentId, String type, String bodyJson,
    Instant receivedAt, Instant resolvedAt, String resolution) {}

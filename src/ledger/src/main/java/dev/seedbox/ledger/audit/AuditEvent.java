package dev.seedbox.ledger.audit;

import java.time.Instant;

/** One audit row; {@code detailJson} is PostgreSQL's canonical text of the jsonb detail. */
public record AuditEvent(long id, Instant occurredAt, String actor, String action, String resource, String detailJson) {}

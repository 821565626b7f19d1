package dev.seedbox.operator.seedbox;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.status.ConditionStatus;
import dev.seedbox.api.v1alpha1.SeedboxStatus;
import dev.seedbox.ledger.SeedboxRecord;
import dev.seedbox.operator.seedbox.SeedboxDecider.Reasons;
import java.time.Instant;
import java.util.Optional;

/**
 * The Seedbox's conditions Ready, Paid and Provisioned, from its phase, its {@code seedbox_resources} row and the
 * problem of this pass (if any). Pure: it reads nothing but its arguments.
 */
final class SeedboxStatusAggregator {

  private SeedboxStatusAggregator() {
  }

  /**
   * @param row the seedbox's row, empty before provisioning started
   * @param reason this pass's problem or wait (CamelCase), null when there is none
   * @param message what {@code reason} means here, null when there is no problem
   */
  static void aggregate(SeedboxStatus status, Phase phase, Optional<SeedboxRecord> row, String reason, String message,
      Long generation, Instant now) {
    paid(status, phase, row, reason, message, generation, now);
    provisioned(status, phase, reason, message, generation, now);
    ready(status, phase, reason, message, generation, now);
  }

  private static void paid(SeedboxStatus status, Phase phase, Optional<SeedboxRecord> row, String reason,
      String message, Long generation, Instant now) {
    if (phase == Phase.FAILED) {
      status.setCondition(SeedboxStatus.PAID, ConditionStatus.FALSE, "Refunded",
          "the first period was refunded", generation, now);
    } else if (phase == Phase.TERMINATING || phase == Phase.TERMINATED) {
      status.setCondition(SeedboxStatus.PAID, ConditionStatus.FALSE, "NotBilled",
          "a terminated seedbox is not billed", generation, now);
    } else if (row.isPresent() && row.get().billingHold()) {
      status.setCondition(SeedboxStatus.PAID, ConditionStatus.FALSE, Reasons.BILLING_HOLD,
          "the BillingAccount cannot pay the current period", generation, now);
    } else if (row.isPresent()) {
      status.setCondition(SeedboxStatus.PAID, ConditionStatus.TRUE, "Paid",
          "paid through " + row.get().paidThrough(), generation, now);
    } else {
      status.setCondition(SeedboxStatus.PAID, ConditionStatus.FALSE, reason == null ? "NotCharged" : reason,
          message == null ? "nothing has been charged" : message, generation, now);
    }
  }

  private static void provisioned(SeedboxStatus status, Phase phase, String reason, String message, Long generation,
      Instant now) {
    switch (phase) {
      case ACTIVE, SUSPENDED -> status.setCondition(SeedboxStatus.PROVISIONED, ConditionStatus.TRUE,
          "ServerCreated", "server " + status.getProviderRef(), generation, now);
      case PENDING -> status.setCondition(SeedboxStatus.PROVISIONED, ConditionStatus.FALSE,
          reason == null ? "NotStarted" : reason, message == null ? "waiting to start" : message, generation, now);
      case PROVISIONING -> status.setCondition(SeedboxStatus.PROVISIONED, ConditionStatus.FALSE,
          reason == null ? "Provisioning" : reason, message == null ? "the server is being created" : message,
          generation, now);
      case FAILED -> {
        if (reason != null) {
          status.setCondition(SeedboxStatus.PROVISIONED, ConditionStatus.FALSE, reason, message, generation, now);
        }
      }
      case TERMINATING, TERMINATED -> status.setCondition(SeedboxStatus.PROVISIONED, ConditionStatus.FALSE,
          "Terminated", "the server is released", generation, now);
      default -> {
      }
    }
  }

  private static void ready(SeedboxStatus status, Phase phase, String reason, String message, Long generation,
      Instant now) {
    if (phase == Phase.ACTIVE && reason == null) {
      String url = status.getEndpoint() == null ? "" : "; web UI at " + status.getEndpoint().getWebUiUrl();
      status.setCondition(SeedboxStatus.READY, ConditionStatus.TRUE, "Running", "the seedbox runs" + url,
          generation, now);
      if (status.getMessage() == null || !status.getMessage().startsWith("web UI credentials")) {
        status.setMessage("the seedbox runs" + url);
      }
    } else if (reason != null) {
      status.setCondition(SeedboxStatus.READY, ConditionStatus.FALSE, reason, message, generation, now);
    } else if (status.findCondition(SeedboxStatus.READY).isEmpty() || phase == Phase.PROVISIONING) {
      status.setCondition(SeedboxStatus.READY, ConditionStatus.FALSE, phase.wireName(),
          "the seedbox is " + phase.wireName(), generation, now);
    }
  }
}

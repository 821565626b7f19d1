package dev.seedbox.operator.seedbox;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.plan.Plan;
import dev.seedbox.api.v1alpha1.BillingAccount;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.api.v1alpha1.SeedboxSpec;
import dev.seedbox.api.v1alpha1.SeedboxStatus;
import dev.seedbox.ledger.SeedboxRecord;
import dev.seedbox.provisioning.ServerRef;
import java.time.Duration;
import java.util.Optional;

/**
 * One reconcile of one Seedbox: the resource and the status being written, what the observer found, and what the
 * actions moved (the phase, the row) while acting.
 */
final class SeedboxPass {

  final Seedbox seedbox;
  final SeedboxStatus status;
  final boolean deleting;
  final String uid;
  final String who;
  final SeedboxSpec spec;
  final SeedboxObservation observation;
  /** The catalog's plan, null when the catalog has none by that id. */
  final Plan plan;
  /** The referenced BillingAccount, null when it does not exist. */
  final BillingAccount account;
  /** How old the reused server observation is; zero when the provider was asked in this pass. */
  final Duration serverAge;
  Optional<SeedboxRecord> row;
  Phase phase;

  SeedboxPass(Seedbox seedbox, SeedboxStatus status, boolean deleting, SeedboxObservation observation, Plan plan,
      BillingAccount account, Optional<SeedboxRecord> row, Duration serverAge) {
    this.seedbox = seedbox;
    this.status = status;
    this.deleting = deleting;
    this.uid = seedbox.getMetadata().getUid();
    this.who = seedbox.getMetadata().getNamespace() + "/" + seedbox.getMetadata().getName();
    this.spec = seedbox.getSpec();
    this.observation = observation;
    this.plan = plan;
    this.account = account;
    this.row = row;
    this.phase = observation.phase();
    this.serverAge = serverAge;
  }

  ServerRef serverRef() {
    String ref = row.map(SeedboxRecord::providerRef).orElseThrow(() -> new IllegalStateException(
        "Seedbox " + who + " has no provider reference in phase " + phase));
    return ServerRef.parse(ref);
  }

  static long longOf(Long value) {
    return value == null ? 0 : value;
  }
}

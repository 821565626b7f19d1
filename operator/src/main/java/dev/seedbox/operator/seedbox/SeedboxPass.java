package dev.seedbox.operator.seedbox;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.plan.Plan;
import dev.seedbox.api.v1alpha1.BillingAccount;
import dev.seedbox.api.v1alpha1.ByosConnection;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.api.v1alpha1.SeedboxSpec;
import dev.seedbox.api.v1alpha1.SeedboxStatus;
import dev.seedbox.ledger.SeedboxRecord;
import dev.seedbox.operator.host.OwnServers;
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
  /** The ByosConnection {@code spec.byosConnectionRef} names, null when it names none or it does not exist. */
  final ByosConnection byosConnection;
  /** Where its client on the customer's own server is managed; null unless it was placed on one. */
  final OwnServers.Located ownServer;
  Optional<SeedboxRecord> row;
  Phase phase;

  SeedboxPass(Seedbox seedbox, SeedboxStatus status, boolean deleting, SeedboxObservation observation, Plan plan,
      BillingAccount account, Optional<SeedboxRecord> row, Duration serverAge) {
    this(seedbox, status, deleting, observation, plan, account, row, serverAge, null, null);
  }

  SeedboxPass(Seedbox seedbox, SeedboxStatus status, boolean deleting, SeedboxObservation observation, Plan plan,
      BillingAccount account, Optional<SeedboxRecord> row, Duration serverAge, ByosConnection byosConnection,
      OwnServers.Located ownServer) {
    this.byosConnection = byosConnection;
    this.ownServer = ownServer;
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

  /** Whether the seedbox was placed on a customer's own server. */
  boolean onOwnServer() {
    return row.map(r -> OwnServers.connectionOf(r.providerRef()).isPresent()).orElse(false);
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

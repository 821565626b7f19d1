package dev.seedbox.operator.seedbox;

import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.ledger.LedgerModule;
import dev.seedbox.ledger.SeedboxRecord;
import dev.seedbox.operator.metrics.OperatorMetrics;
import dev.seedbox.provisioning.ProviderException;
import dev.seedbox.provisioning.ProviderRegistry;
import dev.seedbox.provisioning.ProvisioningProvider;
import dev.seedbox.provisioning.ServerInfo;
import dev.seedbox.provisioning.VolumeInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Terminates servers that carry our tag but whose Seedbox no longer exists (architecture §6), on the leader only,
 * with the volumes such Seedboxes left detached, and deletes a live Seedbox's duplicate servers. A
 * server is an orphan when neither the informer cache nor a live read of the API knows a Seedbox with its UID, and it
 * must have looked like one for at least the grace period (servers carry no creation time we can rely on across
 * providers, so the sweep remembers when it first saw each candidate): a create racing the informer never loses its
 * server.
 */
public final class OrphanSweep {

  /** What one sweep did. */
  public record Report(int listed, int candidates, int terminated, int failures) {
  }

  private static final Logger LOG = LoggerFactory.getLogger(OrphanSweep.class);
  private static final String ACTOR = "seedbox-operator/orphan-sweep";

  private final ProviderRegistry providers;
  private final LedgerModule ledger;
  private final KubernetesClient client;
  private final Predicate<String> cachedSeedbox;
  private final BooleanSupplier leading;
  private final OperatorMetrics metrics;
  private final Clock clock;
  private final SeedboxTiming timing;
  private final Map<String, Instant> firstSeen = new ConcurrentHashMap<>();

  public OrphanSweep(ProviderRegistry providers, LedgerModule ledger, KubernetesClient client,
      Predicate<String> cachedSeedbox, BooleanSupplier leading, OperatorMetrics metrics, Clock clock,
      SeedboxTiming timing) {
    this.providers = providers;
    this.ledger = ledger;
    this.client = client;
    this.cachedSeedbox = cachedSeedbox;
    this.leading = leading;
    this.metrics = metrics;
    this.clock = clock;
    this.timing = timing;
  }

  /** One sweep over every enabled provider; does nothing unless this replica leads. */
  public Report sweep() {
    if (!leading.getAsBoolean()) {
      return new Report(0, 0, 0, 0);
    }
    Tally tally = new Tally();
    Set<String> stillCandidates = new HashSet<>();
    LiveSeedboxes live = new LiveSeedboxes();
    for (ProvisioningProvider provider : providers.all()) {
      List<ServerInfo> servers;
      try {
        servers = provider.listManaged();
      } catch (ProviderException e) {
        LOG.warn("orphan sweep: could not list servers at {}: {}", provider.kind(), e.getMessage());
        tally.failures++;
        continue;
      }
      Map<String, List<ServerInfo>> byUid = new HashMap<>();
      for (ServerInfo server : servers) {
        tally.listed++;
        String uid = server.seedboxUid();
        if (live.contains(uid)) {
          byUid.computeIfAbsent(uid, k -> new ArrayList<>()).add(server);
          continue;
        }
        String key = server.ref().toString();
        if (!candidate(key, tally, stillCandidates)) {
          continue;
        }
        boolean known = ledger.seedboxes().seedbox(uid).isPresent();
        if (delete(provider, "server " + key, () -> provider.terminate(server.ref()), tally,
            "seedbox.orphan-terminated", "server:" + key, Map.of("seedboxUid", uid, "provider",
                provider.kind().wireName(), "providerStatus", server.providerStatus(), "knownToLedger", known),
            "terminated server " + key + " of Seedbox UID " + uid + ", which no longer exists")) {
          firstSeen.remove(key);
        }
      }
      byUid.forEach((uid, group) -> {
        if (group.size() > 1) {
          deleteDuplicates(provider, uid, group, tally);
        }
      });
      sweepVolumes(provider, live, tally, stillCandidates);
    }
    firstSeen.keySet().retainAll(stillCandidates);
    return new Report(tally.listed, tally.candidates, tally.terminated, tally.failures);
  }

  /** Counts a candidate and says whether it has looked like an orphan for the whole grace period. */
  private boolean candidate(String key, Tally tally, Set<String> stillCandidates) {
    tally.candidates++;
    stillCandidates.add(key);
    Instant seen = firstSeen.computeIfAbsent(key, k -> clock.instant());
    return !clock.instant().isBefore(seen.plus(timing.orphanGrace()));
  }

  /**
   * Servers beyond the one the ledger names for a live Seedbox (a create posted twice at a cloud) are deleted; while
   * the ledger names none yet, the create is still under way and nothing is touched.
   */
  private void deleteDuplicates(ProvisioningProvider provider, String uid, List<ServerInfo> group, Tally tally) {
    Optional<String> kept = ledger.seedboxes().seedbox(uid).flatMap(SeedboxRecord::provider);
    if (kept.isEmpty() || group.stream().noneMatch(s -> s.ref().toString().equals(kept.get()))) {
      return;
    }
    for (ServerInfo server : group) {
      String ref = server.ref().toString();
      if (ref.equals(kept.get())) {
        continue;
      }
      delete(provider, "duplicate server " + ref, () -> provider.terminate(server.ref()), tally,
          "seedbox.duplicate-server-deleted", "seedbox:" + uid, Map.of("kept", kept.get(), "deleted", ref,
              "provider", provider.kind().wireName()),
          "deleted server " + ref + ", a duplicate of " + kept.get() + " for Seedbox UID " + uid);
    }
  }

  /** Volumes attached to no server whose Seedbox is gone: a server deleted or lost without its volume. */
  private void sweepVolumes(ProvisioningProvider provider, LiveSeedboxes live, Tally tally,
      Set<String> stillCandidates) {
    List<VolumeInfo> volumes;
    try {
      volumes = provider.listManagedVolumes();
    } catch (ProviderException e) {
      LOG.warn("orphan sweep: could not list volumes at {}: {}", provider.kind(), e.getMessage());
      tally.failures++;
      return;
    }
    for (VolumeInfo volume : volumes) {
      if (volume.attachedTo() != null || live.contains(volume.seedboxUid())) {
        continue;
      }
      String key = "volume:" + provider.kind().wireName() + ":" + volume.id();
      if (!candidate(key, tally, stillCandidates)) {
        continue;
      }
      if (delete(provider, "volume " + key, () -> provider.terminateBySeedboxUid(volume.seedboxUid()), tally,
          "seedbox.orphan-volume-deleted", key, Map.of("seedboxUid", volume.seedboxUid(), "provider",
              provider.kind().wireName(), "sizeGb", volume.sizeGb()),
          "deleted volume " + key + " of Seedbox UID " + volume.seedboxUid() + ", which no longer exists")) {
        firstSeen.remove(key);
      }
    }
  }

  /** One deletion at the provider: on success counted, metered, audited and logged; on failure counted and logged. */
  private boolean delete(ProvisioningProvider provider, String what, Runnable deletion, Tally tally, String action,
      String resource, Map<String, Object> detail, String done) {
    try {
      deletion.run();
    } catch (ProviderException e) {
      tally.failures++;
      LOG.warn("orphan sweep: could not delete {}: {}", what, e.getMessage());
      return false;
    }
    tally.terminated++;
    metrics.orphanTerminated(provider.kind().wireName());
    ledger.audit().append(ACTOR, action, resource, detail);
    LOG.warn("orphan sweep: {}", done);
    return true;
  }

  private static final class Tally {
    int listed;
    int candidates;
    int terminated;
    int failures;
  }

  /** Whether a Seedbox UID exists: the informer cache first, then (once per sweep) a live read of the API. */
  private final class LiveSeedboxes {
    private Set<String> liveUids;

    boolean contains(String uid) {
      if (cachedSeedbox.test(uid)) {
        return true;
      }
      if (liveUids == null) {
        liveUids = liveSeedboxUids();
      }
      return liveUids.contains(uid);
    }
  }

  /** The live API's Seedbox UIDs: the cache may lag behind a create; never delete on the cache alone. */
  private Set<String> liveSeedboxUids() {
    Set<String> uids = new HashSet<>();
    for (Seedbox seedbox : client.resources(Seedbox.class).inAnyNamespace().list().getItems()) {
      uids.add(seedbox.getMetadata().getUid());
    }
    return uids;
  }
}

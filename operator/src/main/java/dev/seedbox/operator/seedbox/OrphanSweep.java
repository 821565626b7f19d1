package dev.seedbox.operator.seedbox;

import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.ledger.LedgerModule;
import dev.seedbox.ledger.SeedboxRecord;
import dev.seedbox.operator.metrics.OperatorMetrics;
import dev.seedbox.provisioning.ProviderException;
import dev.seedbox.provisioning.ProviderRegistry;
import dev.seedbox.provisioning.ProvisioningProvider;
import dev.seedbox.provisioning.ServerInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
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
 * Terminates servers that carry our tag but whose Seedbox no longer exists (architecture §6), on the leader only. A
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
    int listed = 0;
    int candidates = 0;
    int terminated = 0;
    int failures = 0;
    Set<String> stillCandidates = new HashSet<>();
    Set<String> liveUids = null;
    for (ProvisioningProvider provider : providers.all()) {
      List<ServerInfo> servers;
      try {
        servers = provider.listManaged();
      } catch (ProviderException e) {
        LOG.warn("orphan sweep: could not list servers at {}: {}", provider.kind(), e.getMessage());
        failures++;
        continue;
      }
      for (ServerInfo server : servers) {
        listed++;
        String uid = server.seedboxUid();
        if (cachedSeedbox.test(uid)) {
          continue;
        }
        if (liveUids == null) {
          liveUids = liveSeedboxUids();
        }
        if (liveUids.contains(uid)) {
          continue;
        }
        candidates++;
        String key = server.ref().toString();
        stillCandidates.add(key);
        Instant seen = firstSeen.computeIfAbsent(key, k -> clock.instant());
        if (clock.instant().isBefore(seen.plus(timing.orphanGrace()))) {
          continue;
        }
        try {
          provider.terminate(server.ref());
          firstSeen.remove(key);
          terminated++;
          metrics.orphanTerminated(provider.kind().wireName());
          Optional<SeedboxRecord> row = ledger.seedboxes().seedbox(uid);
          ledger.audit().append(ACTOR, "seedbox.orphan-terminated", "server:" + key, Map.of(
              "seedboxUid", uid, "provider", provider.kind().wireName(), "providerStatus", server.providerStatus(),
              "knownToLedger", row.isPresent()));
          LOG.warn("orphan sweep: terminated server {} of Seedbox UID {}, which no longer exists", key, uid);
        } catch (ProviderException e) {
          failures++;
          LOG.warn("orphan sweep: could not terminate server {}: {}", key, e.getMessage());
        }
      }
    }
    firstSeen.keySet().retainAll(stillCandidates);
    return new Report(listed, candidates, terminated, failures);
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

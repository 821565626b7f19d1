package dev.seedbox.operator.seedbox;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.plan.Plan;
import dev.seedbox.api.plan.PlanCatalog;
import dev.seedbox.api.v1alpha1.AccountState;
import dev.seedbox.api.v1alpha1.BillingAccount;
import dev.seedbox.api.v1alpha1.ByosConnection;
import dev.seedbox.api.v1alpha1.ByosPhase;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.api.v1alpha1.SeedboxSpec;
import dev.seedbox.api.v1alpha1.SeedboxStatus;
import dev.seedbox.api.v1alpha1.TorrentClient;
import dev.seedbox.ledger.AccountSnapshot;
import dev.seedbox.ledger.LedgerModule;
import dev.seedbox.ledger.SeedboxRecord;
import dev.seedbox.operator.host.ManagedServers;
import dev.seedbox.operator.host.OwnServers;
import dev.seedbox.operator.https.WebUiHostnames;
import dev.seedbox.operator.seedbox.SeedboxObservation.Account;
import dev.seedbox.operator.seedbox.SeedboxObservation.Byos;
import dev.seedbox.operator.seedbox.SeedboxObservation.Credentials;
import dev.seedbox.operator.seedbox.SeedboxObservation.Host;
import dev.seedbox.operator.seedbox.SeedboxObservation.Order;
import dev.seedbox.operator.seedbox.SeedboxObservation.ProviderFailure;
import dev.seedbox.operator.seedbox.SeedboxObservation.Row;
import dev.seedbox.operator.seedbox.SeedboxObservation.Server;
import dev.seedbox.provisioning.ProviderException;
import dev.seedbox.provisioning.ProviderRegistry;
import dev.seedbox.provisioning.ProvisioningProvider;
import dev.seedbox.provisioning.ServerInfo;
import dev.seedbox.provisioning.ServerRef;
import dev.seedbox.provisioning.client.TorrentClientProfiles;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The observe step (architecture §5): the CR, the plan catalog, the BillingAccount (informer) and its ledger account,
 * the {@code seedbox_resources} row, the ByosConnection (informer) and the provider's view of the server. It reads and
 * never writes; a provider answer is kept in {@link ServerPolls} so a wake within one poll interval need not ask again.
 */
final class SeedboxObserver {

  private final LedgerModule ledger;
  private final ProviderRegistry providers;
  private final TorrentClientProfiles clients;
  private final PlanCatalog plans;
  private final Clock clock;
  private final SeedboxTiming timing;
  private final ProviderCalls calls;
  private final ServerPolls serverPolls;
  private final WebUiHostnames hostnames;
  private final HostProbes probes;
  private final ManagedServers servers;
  private final OwnServers ownServers;
  private volatile InformerEventSource<BillingAccount, Seedbox> accounts;
  private volatile InformerEventSource<ByosConnection, Seedbox> byosConnections;

  SeedboxObserver(LedgerModule ledger, ProviderRegistry providers, TorrentClientProfiles clients, PlanCatalog plans,
      Clock clock, SeedboxTiming timing, ProviderCalls calls, ServerPolls serverPolls, WebUiHostnames hostnames,
      HostProbes probes, ManagedServers servers, OwnServers ownServers) {
    this.servers = servers;
    this.ownServers = ownServers;
    this.hostnames = hostnames;
    this.probes = probes;
    this.ledger = ledger;
    this.providers = providers;
    this.clients = clients;
    this.plans = plans;
    this.clock = clock;
    this.timing = timing;
    this.calls = calls;
    this.serverPolls = serverPolls;
  }

  /** The informers the BillingAccount and the ByosConnection are read from, once the controller has them. */
  void readFrom(InformerEventSource<BillingAccount, Seedbox> accounts,
      InformerEventSource<ByosConnection, Seedbox> byosConnections) {
    this.accounts = accounts;
    this.byosConnections = byosConnections;
  }

  SeedboxPass observe(Seedbox seedbox, SeedboxStatus status, boolean deleting) {
    String uid = seedbox.getMetadata().getUid();
    SeedboxSpec spec = seedbox.getSpec();
    Optional<SeedboxRecord> row = ledger.seedboxes().seedbox(uid);
    Phase phase = row.map(SeedboxRecord::phase).orElse(status.getPhase() == null ? Phase.PENDING : status.getPhase());
    Plan plan = plans.find(spec.getPlan()).orElse(null);
    BillingAccount account = find(accounts, spec.getAccountRef(), seedbox);
    ByosConnection connection = find(byosConnections, spec.getByosConnectionRef(), seedbox);
    Order order = new Order(spec.getPlan(), plan, spec.getProvider(), spec.getRegion(), spec.getByosConnectionRef(),
        byos(spec.getByosConnectionRef(), connection), Boolean.TRUE.equals(spec.getSuspend()), spec.getSuspendReason(),
        spec.getClient(), providers.enabled(), clients.installable());
    Duration[] serverAge = {Duration.ZERO};
    Optional<String> placedOn = row.flatMap(r -> OwnServers.connectionOf(r.providerRef()));
    OwnServers.Located own = null;
    Server server;
    if (placedOn.isPresent() && (phase.billable() || phase == Phase.TERMINATING)) {
      ByosConnection placed = placedOn.get().equals(spec.getByosConnectionRef()) ? connection
          : find(byosConnections, placedOn.get(), seedbox);
      own = ownServers.locate(seedbox, placedOn.get(), placed, SeedboxActions.clientOf(spec));
      server = own instanceof OwnServers.Located.Reachable reachable
          ? new Server.Running(reachable.server().target().host(), reachable.server().webUiUrl().toString())
          : new Server.Unmanageable(((OwnServers.Located.Unavailable) own).reason(),
              ((OwnServers.Located.Unavailable) own).message());
    } else {
      server = server(seedbox, status, deleting, row, phase, serverAge);
    }
    Credentials credentials = new Credentials(SeedboxPass.longOf(spec.getCredentialsRotation()),
        SeedboxPass.longOf(status.getObservedCredentialsRotation()));
    Host host = new Host.NotProbed();
    if (phase == Phase.ACTIVE && !deleting && server instanceof Server.Running running
        && !credentials.rotationRequested() && !row.get().billingHold() && !order.suspendRequested()) {
      OwnServers.Located located = own;
      host = probes.observe(seedbox, located != null
          ? () -> Optional.of(((OwnServers.Located.Reachable) located).server())
          : () -> servers.locate(seedbox, ServerRef.parse(row.get().providerRef()), running.address(),
              SeedboxActions.clientOf(spec)));
    }
    SeedboxObservation observation = new SeedboxObservation(phase, deleting, order,
        isBlank(spec.getAccountRef()) ? Account.unnamed() : account(account),
        row.map(r -> new Row(true, r.billingHold(), r.terminateAt(), r.providerRef(), r.operatorHold(),
            r.managementHold())).orElseGet(Row::none), server, credentials, host, clock.instant());
    return new SeedboxPass(seedbox, status, deleting, observation, plan, account, row, serverAge[0], connection, own);
  }

  private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> T find(
      InformerEventSource<T, Seedbox> informer, String name, Seedbox seedbox) {
    return informer == null || name == null ? null
        : informer.get(new ResourceID(name, seedbox.getMetadata().getNamespace())).orElse(null);
  }

  private static Byos byos(String connectionRef, ByosConnection connection) {
    if (connectionRef == null) {
      return Byos.NOT_REFERENCED;
    }
    if (connection == null) {
      return Byos.MISSING;
    }
    return connection.getStatus() != null && connection.getStatus().getPhase() == ByosPhase.CONNECTED
        ? Byos.CONNECTED : Byos.NOT_CONNECTED;
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  private Account account(BillingAccount account) {
    if (account == null) {
      return Account.missing();
    }
    Optional<AccountSnapshot> snapshot = ledger.ledger().account(account.getMetadata().getUid());
    return snapshot.map(s -> new Account(true, true, AccountState.valueOf(s.state().name()), s.balanceCents()))
        .orElseGet(Account::notOpened);
  }

  private Server server(Seedbox seedbox, SeedboxStatus status, boolean deleting, Optional<SeedboxRecord> row,
      Phase phase, Duration[] age) {
    if (row.isEmpty() || row.get().providerRef() == null || !(phase.billable()
        || phase == Phase.TERMINATING)) {
      return new Server.NotCreated();
    }
    String uid = seedbox.getMetadata().getUid();
    // a spec edit (the user asking us to look) or a deletion always asks the provider
    boolean specSeen = Objects.equals(seedbox.getMetadata().getGeneration(), status.getObservedGeneration());
    Optional<ServerPolls.Seen> seen = deleting || !specSeen ? Optional.empty()
        : serverPolls.recent(uid, phase, timing.serverPoll());
    if (seen.isPresent()) {
      age[0] = seen.get().age();
      return seen.get().server();
    }
    Server server = poll(ServerRef.parse(row.get().providerRef()), seedbox);
    serverPolls.record(uid, phase, server);
    return server;
  }

  /**
   * The Seedbox's hostname when HTTPS is on; otherwise the client's own port, where a client changed in the spec
   * after the server was built keeps the web UI the server has.
   */
  private String webUiUrl(Seedbox seedbox, String address) {
    return hostnames.webUiUrl(seedbox, clients.find(SeedboxActions.clientOf(seedbox.getSpec()))
        .or(() -> clients.find(TorrentClient.QBITTORRENT))
        .map(profile -> profile.webUiUrl(address).toString())
        .orElseThrow(() -> new IllegalStateException("this operator has no qBittorrent profile")));
  }

  /** Maps the provider's view of the server onto what the decider distinguishes. */
  private Server poll(ServerRef ref, Seedbox seedbox) {
    Optional<ProvisioningProvider> provider = providers.find(ref.provider());
    if (provider.isEmpty()) {
      return new Server.Unreachable(new ProviderFailure(false, null, "provider " + ref.provider()
          + " is not enabled in this operator (SEEDBOX_PROVIDERS)"));
    }
    try {
      Optional<ServerInfo> info = calls.call(provider.get(), "status", p -> p.status(ref));
      if (info.isEmpty()) {
        return new Server.Vanished();
      }
      return switch (info.get().state()) {
        case RUNNING -> info.get().address()
            .<Server>map(ip -> new Server.Running(ip, info.get().ipv6(), webUiUrl(seedbox, ip)))
            .orElseGet(Server.Creating::new);
        case OFF, ARCHIVED -> new Server.Stopped();
        case DELETING -> new Server.Vanished();
        default -> new Server.Creating();
      };
    } catch (ProviderException e) {
      return new Server.Unreachable(timing.withBackoff(ProviderCalls.failure(e)));
    }
  }
}

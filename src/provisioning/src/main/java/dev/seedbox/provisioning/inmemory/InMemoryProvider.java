package dev.seedbox.provisioning.inmemory;

import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.provisioning.CreateRequest;
import dev.seedbox.provisioning.CreatedServer;
import dev.seedbox.provisioning.PermanentProviderException;
import dev.seedbox.provisioning.ProviderUnauthorizedException;
import dev.seedbox.provisioning.ProvisioningProvider;
import dev.seedbox.provisioning.Retrier;
import dev.seedbox.provisioning.RetryPolicy;
import dev.seedbox.provisioning.RetryableProviderException;
import dev.seedbox.provisioning.RetryableProviderException.Cause;
import dev.seedbox.provisioning.ServerInfo;
import dev.seedbox.provisioning.ServerRef;
import dev.seedbox.provisioning.ServerState;
import dev.seedbox.provisioning.Sleeper;
import dev.seedbox.provisioning.VolumeInfo;
import dev.seedbox.hostchannel.inmemory.InMemoryHost;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A provider whose cloud is a map in this process, for the dev stack and the operator's tests. It is thread-safe
 * without a global lock (the latency is slept before touching the map, and each server changes atomically on its
 * own), servers go from {@code new} to {@code active} after {@link Options#activationDelay()}, and faults can be
 * injected: fail the next calls with 5xx, answer 429 with a wait, lose the next create's answer, and lose a server
 * behind the control plane's back, and refuse the token. A plan's volume is a record beside its server, one per
 * Seedbox UID, released with it. Ids start above 2^32 so that 32-bit bugs show.
 */
public final class InMemoryProvider implements ProvisioningProvider {

  /**
   * @param latency slept on every attempt of every call
   * @param activationDelay how long a new server stays {@code new}
   * @param regions the regions that exist; empty means every region does
   * @param retry retries of one call
   * @param sleeper sleeps the latency and the retry waits
   * @param clock decides when a server turns active
   */
  public record Options(Duration latency, Duration activationDelay, Set<String> regions, RetryPolicy retry,
      Sleeper sleeper, Clock clock) {

    public Options {
      Objects.requireNonNull(latency, "latency");
      Objects.requireNonNull(activationDelay, "activationDelay");
      regions = Set.copyOf(regions);
      Objects.requireNonNull(retry, "retry");
      Objects.requireNonNull(sleeper, "sleeper");
      Objects.requireNonNull(clock, "clock");
    }

    public static Options defaults() {
      return new Options(Duration.ZERO, Duration.ofMillis(500), Set.of(), RetryPolicy.defaults(), Sleeper.real(),
          Clock.systemUTC());
    }

    public Options withLatency(Duration value) {
      return new Options(value, activationDelay, regions, retry, sleeper, clock);
    }

    public Options withActivationDelay(Duration value) {
      return new Options(latency, value, regions, retry, sleeper, clock);
    }

    public Options withRegions(Set<String> value) {
      return new Options(latency, activationDelay, value, retry, sleeper, clock);
    }

    public Options withRetry(RetryPolicy value, Sleeper sleeperValue) {
      return new Options(latency, activationDelay, regions, value, sleeperValue, clock);
    }

    public Options withClock(Clock value) {
      return new Options(latency, activationDelay, regions, retry, sleeper, value);
    }
  }

  private record Server(long id, String seedboxUid, String size, String region, Instant createdAt,
      boolean poweredOff) {

    Server withPoweredOff(boolean value) {
      return new Server(id, seedboxUid, size, region, createdAt, value);
    }
  }

  private record Volume(String id, String seedboxUid, long sizeGb, String region, long serverId) {

    Volume withServer(long value) {
      return new Volume(id, seedboxUid, sizeGb, region, value);
    }
  }

  private final Options options;
  private final InMemoryHost host;
  private final Retrier retrier;
  private final ConcurrentHashMap<Long, Server> servers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Long> idsByUid = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Volume> volumesByUid = new ConcurrentHashMap<>();
  private final AtomicBoolean tokenRejected = new AtomicBoolean();
  private final AtomicLong nextId = new AtomicLong((1L << 32) + 1000);
  private final AtomicLong serversCreated = new AtomicLong();
  private final AtomicInteger failNext = new AtomicInteger();
  private final AtomicInteger rateLimitNext = new AtomicInteger();
  private volatile Duration rateLimitWait = Duration.ZERO;
  private final AtomicBoolean loseNextCreateAnswer = new AtomicBoolean();

  /**
   * @param host where the servers this provider creates boot from their user data and are managed over the host
   *     channel's contract
   */
  public InMemoryProvider(Options options, InMemoryHost host) {
    this.options = Objects.requireNonNull(options, "options");
    this.host = Objects.requireNonNull(host, "host");
    this.retrier = new Retrier(options.retry(), options.sleeper());
  }

  /** Servers boot on an in-memory host without latency. */
  public InMemoryProvider(Options options) {
    this(options, new InMemoryHost(Duration.ZERO));
  }

  public InMemoryProvider() {
    this(Options.defaults());
  }

  /** The host the servers run on, for the host channel to reach them. */
  public InMemoryHost host() {
    return host;
  }

  // ---- faults -------------------------------------------------------------------------------------------------

  /** The next {@code calls} attempts (any operation) fail as a 503 would. */
  public void failNextCalls(int calls) {
    failNext.set(calls);
  }

  /** The next {@code calls} attempts are answered with 429 and this wait. */
  public void rateLimitNextCalls(int calls, Duration retryAfter) {
    rateLimitWait = Objects.requireNonNull(retryAfter, "retryAfter");
    rateLimitNext.set(calls);
  }

  /** The next create makes its server and then loses the answer, like a timeout after the provider acted. */
  public void loseNextCreateAnswer() {
    loseNextCreateAnswer.set(true);
  }

  /** Every call is refused as a revoked token would be, until this is set back to false. */
  public void rejectToken(boolean value) {
    tokenRejected.set(value);
  }

  /**
   * Deletes a server without the control plane knowing, as an operator clicking in a console would; its volume
   * stays, detached, as it does at the cloud providers.
   */
  public boolean loseServer(ServerRef server) {
    Server removed = servers.remove(server.id());
    if (removed != null) {
      host.remove(address(removed.id()));
      idsByUid.remove(removed.seedboxUid(), removed.id());
      volumesByUid.computeIfPresent(removed.seedboxUid(), (uid, v) -> v.serverId() == removed.id() ? v.withServer(0)
          : v);
    }
    return removed != null;
  }

  /**
   * Makes a second server carrying {@code seedboxUid}, as a create whose answer was lost and that was posted again
   * would have left at a cloud (a fault for tests: this provider's own creates never make one).
   */
  public ServerRef duplicate(String seedboxUid) {
    long id = nextId.getAndIncrement();
    servers.put(id, new Server(id, seedboxUid, "small", "local", options.clock().instant(), false));
    return new ServerRef(ProviderKind.INMEMORY, id);
  }

  /** How many servers creates have made, adoptions not counted. */
  public long serversCreated() {
    return serversCreated.get();
  }

  public int serverCount() {
    return servers.size();
  }

  // ---- the provider -------------------------------------------------------------------------------------------

  @Override
  public ProviderKind kind() {
    return ProviderKind.INMEMORY;
  }

  @Override
  public CreatedServer create(CreateRequest request) {
    Optional<ServerInfo> existing = call("find " + request.seedboxUid(), true, () -> find(request.seedboxUid()));
    if (existing.isPresent()) {
      return adopted(request, existing.get());
    }
    try {
      return call("create " + request.seedboxUid(), false, () -> insert(request));
    } catch (RetryableProviderException e) {
      if (e.reason() == Cause.RATE_LIMITED) {
        throw e;
      }
      // As the cloud providers do: the server may exist although the answer was lost, so look before anyone
      // creates again.
      Optional<ServerInfo> found = call("find " + request.seedboxUid(), true, () -> find(request.seedboxUid()));
      if (found.isPresent()) {
        return adopted(request, found.get());
      }
      throw e;
    }
  }

  private CreatedServer insert(CreateRequest request) {
    if (!options.regions().isEmpty() && !options.regions().contains(request.region())) {
      throw new PermanentProviderException("create for seedbox " + request.seedboxUid(), 422, "unprocessable_entity",
          "region '" + request.region() + "' is not available; available regions are "
              + options.regions().stream().sorted().toList());
    }
    AtomicBoolean created = new AtomicBoolean();
    long id = idsByUid.computeIfAbsent(request.seedboxUid(), uid -> {
      long newId = nextId.getAndIncrement();
      servers.put(newId, new Server(newId, uid, request.size(), request.region(), options.clock().instant(), false));
      created.set(true);
      return newId;
    });
    if (created.get()) {
      serversCreated.incrementAndGet();
      host.boot(address(id), request.userData());
    }
    VolumeInfo volume = request.wantsVolume() ? attachVolume(request, id) : null;
    if (created.get() && loseNextCreateAnswer.compareAndSet(true, false)) {
      throw new RetryableProviderException(Cause.TIMEOUT, "in-memory create for seedbox " + request.seedboxUid()
          + " lost its answer (injected fault)");
    }
    Server server = servers.get(id);
    if (server == null) {
      throw new RetryableProviderException(Cause.BUSY, "in-memory server " + id + " vanished while being created");
    }
    return new CreatedServer(info(server), !created.get(), volume, List.of());
  }

  private CreatedServer adopted(CreateRequest request, ServerInfo server) {
    VolumeInfo volume = request.wantsVolume() ? attachVolume(request, server.ref().id()) : null;
    return new CreatedServer(server, true, volume, List.of());
  }

  /** The UID's volume, made when it has none, attached to this server. */
  private VolumeInfo attachVolume(CreateRequest request, long serverId) {
    return info(volumesByUid.compute(request.seedboxUid(), (uid, v) -> v == null
        ? new Volume("vol-" + serverId, uid, request.volumeGb(), request.region(), serverId) : v.withServer(serverId)));
  }

  @Override
  public void suspend(ServerRef server) {
    call("suspend " + server, true, () -> update(server, "suspend", s -> s.withPoweredOff(true)));
  }

  @Override
  public void resume(ServerRef server) {
    call("resume " + server, true, () -> update(server, "resume", s -> s.withPoweredOff(false)));
  }

  @Override
  public void terminate(ServerRef server) {
    requireOurs(server);
    call("terminate " + server, true, () -> {
      Server gone = servers.get(server.id());
      boolean removed = loseServer(server);
      if (gone != null) {
        volumesByUid.computeIfPresent(gone.seedboxUid(), (uid, v) -> v.serverId() == 0 ? null : v);
      }
      return removed;
    });
  }

  @Override
  public int terminateBySeedboxUid(String seedboxUid) {
    return call("terminate seedbox " + seedboxUid, true, () -> {
      Long id = idsByUid.get(seedboxUid);
      int removed = id != null && loseServer(new ServerRef(ProviderKind.INMEMORY, id)) ? 1 : 0;
      volumesByUid.remove(seedboxUid);
      return removed;
    });
  }

  @Override
  public Optional<ServerInfo> status(ServerRef server) {
    requireOurs(server);
    return call("status " + server, true, () -> Optional.ofNullable(servers.get(server.id())).map(this::info));
  }

  @Override
  public List<ServerInfo> listManaged() {
    return call("listManaged", true, () -> {
      List<ServerInfo> all = new ArrayList<>(servers.size());
      for (Server server : servers.values()) {
        all.add(info(server));
      }
      return all;
    });
  }

  @Override
  public List<VolumeInfo> listManagedVolumes() {
    return call("listManagedVolumes", true, () -> volumesByUid.values().stream().map(this::info).toList());
  }

  // ---- internals ----------------------------------------------------------------------------------------------

  private <T> T call(String operation, boolean transientFailuresAreSafe, Supplier<T> work) {
    return retrier.call("in-memory " + operation, transientFailuresAreSafe, () -> {
      retrier.pause(operation, options.latency(), null);
      if (tokenRejected.get()) {
        throw new ProviderUnauthorizedException("in-memory " + operation, 401, "unauthorized",
            "Unable to authenticate you (injected fault).");
      }
      if (rateLimitNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new RetryableProviderException(Cause.RATE_LIMITED, "in-memory " + operation
            + " was rate limited (injected fault); asked to wait " + rateLimitWait, rateLimitWait, null);
      }
      if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new RetryableProviderException(Cause.SERVER_ERROR, "in-memory " + operation
            + " failed with HTTP 503 (injected fault)");
      }
      return work.get();
    });
  }

  private Optional<ServerInfo> find(String seedboxUid) {
    Long id = idsByUid.get(seedboxUid);
    return id == null ? Optional.empty() : Optional.ofNullable(servers.get(id)).map(this::info);
  }

  private boolean update(ServerRef ref, String operation, java.util.function.UnaryOperator<Server> change) {
    requireOurs(ref);
    Server updated = servers.computeIfPresent(ref.id(), (id, s) -> change.apply(s));
    if (updated == null) {
      throw new PermanentProviderException(operation + " " + ref, 404, "not_found",
          "The resource you were accessing could not be found.");
    }
    return true;
  }

  private ServerInfo info(Server server) {
    String status;
    ServerState state;
    if (server.poweredOff()) {
      status = "off";
      state = ServerState.OFF;
    } else if (options.clock().instant().isBefore(server.createdAt().plus(options.activationDelay()))) {
      status = "new";
      state = ServerState.PROVISIONING;
    } else {
      status = "active";
      state = ServerState.RUNNING;
    }
    return new ServerInfo(new ServerRef(ProviderKind.INMEMORY, server.id()), server.seedboxUid(), state, status,
        address(server.id()), ipv6Address(server.id()));
  }

  /** A unique local (fd00::/8) address per server id, as a cloud server has a public IPv6 beside its IPv4. */
  private static String ipv6Address(long id) {
    return String.format("fd5e:ed00:0:0:%x:%x:%x:%x", (id >>> 48) & 0xffff, (id >>> 32) & 0xffff,
        (id >>> 16) & 0xffff, id & 0xffff);
  }

  /** A shared address space (100.64.0.0/10) address per server id, stable for the server's life. */
  private static String address(long id) {
    return "100." + (64 + ((id >> 16) & 63)) + "." + ((id >> 8) & 255) + "." + (id & 255);
  }

  private VolumeInfo info(Volume volume) {
    return new VolumeInfo(volume.id(), volume.seedboxUid(), volume.sizeGb(), volume.region(),
        volume.serverId() == 0 ? null : new ServerRef(ProviderKind.INMEMORY, volume.serverId()));
  }

  private static void requireOurs(ServerRef server) {
    Objects.requireNonNull(server, "server");
    if (server.provider() != ProviderKind.INMEMORY) {
      throw new IllegalArgumentException("the inmemory provider cannot act on " + server);
    }
  }
}

package dev.seedbox.operator.seedbox;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.v1alpha1.AccountState;
import dev.seedbox.hostchannel.ClientProbe;
import dev.seedbox.operator.host.OwnServers;
import dev.seedbox.operator.seedbox.SeedboxDecision.AwaitHost;
import dev.seedbox.operator.seedbox.SeedboxDecision.AwaitOwnServer;
import dev.seedbox.operator.seedbox.SeedboxDecision.AwaitServer;
import dev.seedbox.operator.seedbox.SeedboxDecision.CancelPending;
import dev.seedbox.operator.seedbox.SeedboxDecision.CreateServer;
import dev.seedbox.operator.seedbox.SeedboxDecision.FailProvisioning;
import dev.seedbox.operator.seedbox.SeedboxDecision.FinishTermination;
import dev.seedbox.operator.seedbox.SeedboxDecision.HoldManagement;
import dev.seedbox.operator.seedbox.SeedboxDecision.HostUnhealthy;
import dev.seedbox.operator.seedbox.SeedboxDecision.InSync;
import dev.seedbox.operator.seedbox.SeedboxDecision.MarkActive;
import dev.seedbox.operator.seedbox.SeedboxDecision.PreflightOwnServer;
import dev.seedbox.operator.seedbox.SeedboxDecision.RejectSpec;
import dev.seedbox.operator.seedbox.SeedboxDecision.ReleaseManagementHold;
import dev.seedbox.operator.seedbox.SeedboxDecision.ReleaseServer;
import dev.seedbox.operator.seedbox.SeedboxDecision.RemoveFinalizer;
import dev.seedbox.operator.seedbox.SeedboxDecision.Report;
import dev.seedbox.operator.seedbox.SeedboxDecision.Resume;
import dev.seedbox.operator.seedbox.SeedboxDecision.RetryLater;
import dev.seedbox.operator.seedbox.SeedboxDecision.RotateCredentials;
import dev.seedbox.operator.seedbox.SeedboxDecision.StartProvisioning;
import dev.seedbox.operator.seedbox.SeedboxDecision.Suspend;
import dev.seedbox.operator.seedbox.SeedboxDecision.Terminate;
import dev.seedbox.operator.seedbox.SeedboxDecision.Wait;
import dev.seedbox.operator.seedbox.SeedboxObservation.Host;
import dev.seedbox.operator.seedbox.SeedboxObservation.Order;
import dev.seedbox.operator.seedbox.SeedboxObservation.ProviderFailure;
import dev.seedbox.operator.seedbox.SeedboxObservation.Server;
import dev.seedbox.api.v1alpha1.TorrentClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Seedbox lifecycle's decide step (architecture §5): from the current phase and what was observed, the one next
 * step. No I/O, no clock (the observation carries {@code now}). The transition table itself belongs to the {@code
 * Lifecycle} guard; decisions only name their target phase.
 */
public final class SeedboxDecider {

  /** Condition reasons (CamelCase) the decisions carry. */
  public static final class Reasons {
    public static final String AWAITING_PAYMENT = "AwaitingPayment";
    public static final String ACCOUNT_NOT_READY = "AccountNotReady";
    public static final String PROVIDER_NOT_ENABLED = "ProviderNotEnabled";
    public static final String ACCOUNT_SUSPENDED = "AccountSuspended";
    public static final String UNKNOWN_PLAN = "UnknownPlan";
    public static final String PLAN_NOT_OFFERED = "PlanNotOffered";
    public static final String BILLING_ACCOUNT_NOT_FOUND = "BillingAccountNotFound";
    /** The spec lacks a field the schema requires (stored behind its back): it can never work as written. */
    public static final String INVALID_SPEC = "InvalidSpec";
    public static final String CONFLICTING_PLACEMENT = "ConflictingPlacement";
    public static final String BYOS_CONNECTION_NOT_FOUND = OwnServers.CONNECTION_NOT_FOUND;
    public static final String BYOS_CONNECTION_NOT_CONNECTED = OwnServers.CONNECTION_NOT_CONNECTED;
    public static final String BILLING_HOLD = "BillingHold";
    public static final String OPERATOR_HOLD = "OperatorHold";
    public static final String GRACE_PERIOD_EXPIRED = "GracePeriodExpired";
    public static final String DELETED = "Deleted";
    public static final String PROVIDER_ERROR = "ProviderError";
    public static final String PROVIDER_UNAUTHORIZED = "ProviderUnauthorized";
    public static final String SERVER_VANISHED = "ServerVanished";
    public static final String SERVER_STOPPED = "ServerStopped";
    public static final String CLIENT_NOT_AVAILABLE = "ClientNotAvailable";
    /** The plan does not sell the client the Seedbox asks for. */
    public static final String CLIENT_NOT_OFFERED = "ClientNotOffered";
    /** The server has no keys of ours (made before servers got them, or its keys Secret was deleted). */
    public static final String HOST_KEYS_MISSING = "HostKeysMissing";
    public static final String BOOT_DEADLINE_EXCEEDED = "BootDeadlineExceeded";
    /** A resumed client was started; the next probe's login decides Ready. */
    public static final String CLIENT_STARTING = "ClientStarting";

    private Reasons() {
    }
  }

  /** Host reasons that mean the operator cannot manage a customer's server at all (rather than its client). */
  static final Set<String> UNMANAGEABLE = Set.of(ClientProbe.HOST_UNREACHABLE, ClientProbe.HOST_ACCESS_REFUSED,
      ClientProbe.HOST_KEY_MISMATCH);

  /** How soon a waiting seedbox is looked at again when no event arrives (LISTEN/NOTIFY usually comes first). */
  public static final Duration WAIT_RECHECK = Duration.ofMinutes(1);
  /** How soon a booting server is polled. */
  public static final Duration SERVER_POLL = Duration.ofSeconds(10);
  /** Back-off for a retryable provider failure that came without a wait of its own. */
  public static final Duration DEFAULT_RETRY = Duration.ofSeconds(30);

  /** The phases a seedbox is billed in (and has, or is getting, a server). */

  private SeedboxDecider() {
  }

  public static SeedboxDecision decide(SeedboxObservation o) {
    if (o.deleting()) {
      return deleting(o);
    }
    return switch (o.phase()) {
      case PENDING -> pending(o);
      case PROVISIONING -> provisioning(o);
      case ACTIVE -> active(o);
      case SUSPENDED -> suspended(o);
      case TERMINATING -> terminating(o);
      case FAILED, TERMINATED -> new InSync();
    };
  }

  /** A provider call failed: retry after the provider's wait, or fail provisioning with the provider's message. */
  public static SeedboxDecision onProviderFailure(Phase phase, ProviderFailure failure) {
    if (failure.retryable()) {
      Duration wait = failure.retryAfter() == null || failure.retryAfter().isNegative()
          || failure.retryAfter().isZero() ? DEFAULT_RETRY : failure.retryAfter();
      return new RetryLater(wait, failure.message(), failure.reason());
    }
    if (phase == Phase.PROVISIONING) {
      return new FailProvisioning(Reasons.PROVIDER_ERROR, failure.message());
    }
    // Outside provisioning a refused call (a resume, a rotation) leaves the server as it is: report and look again.
    return new Report(Reasons.PROVIDER_ERROR, failure.message(), WAIT_RECHECK);
  }

  /**
   * A running server not yet ready for the customer: wait while it is on its way, fail (refunding the first period)
   * when it reported a failure of its own or the boot deadline, counted from the first charge, has passed.
   *
   * @param since when provisioning started; null when unknown (then only a failure of the server's own fails it)
   * @param broken the server reported a failure (its first boot failed)
   */
  public static SeedboxDecision onHostNotReady(Instant now, Instant since, Duration deadline, String reason,
      String message, boolean broken) {
    if (broken) {
      return new FailProvisioning(reason, message);
    }
    if (since != null && !now.isBefore(since.plus(deadline))) {
      return new FailProvisioning(Reasons.BOOT_DEADLINE_EXCEEDED, "the server was not ready for the customer within "
          + deadline + " of the first charge; last status: " + reason + ": " + message);
    }
    return new AwaitHost(reason, message);
  }

  // Deletion in any phase: pending is cancelled outright (nothing exists), provisioning fails first so the guard
  // holds, then terminating -> provider terminate -> terminated -> finalizer removed.
  private static SeedboxDecision deleting(SeedboxObservation o) {
    return switch (o.phase()) {
      case PENDING -> new CancelPending();
      case PROVISIONING -> new FailProvisioning(Reasons.DELETED, "the Seedbox was deleted while provisioning");
      case ACTIVE, SUSPENDED, FAILED -> new Terminate(Reasons.DELETED, "the Seedbox was deleted");
      case TERMINATING -> terminating(o);
      case TERMINATED -> new RemoveFinalizer();
    };
  }

  private static SeedboxDecision pending(SeedboxObservation o) {
    Order order = o.order();
    if (order.provider() != null && order.byosConnectionRef() != null) {
      return new RejectSpec(Reasons.CONFLICTING_PLACEMENT,
          "set either provider (with region) or byosConnectionRef, found both");
    }
    if (order.plan() == null) {
      return new RejectSpec(Reasons.UNKNOWN_PLAN, "plan '" + order.planId() + "' is not in the plan catalog");
    }
    if (order.byosConnectionRef() != null && !order.plan().ownServer()) {
      return new RejectSpec(Reasons.PLAN_NOT_OFFERED, "plan '" + order.planId() + "' is for cloud servers; a "
          + "seedbox on your own server (byosConnectionRef) needs a plan for your own server");
    }
    if (order.provider() != null && order.plan().ownServer()) {
      return new RejectSpec(Reasons.PLAN_NOT_OFFERED, "plan '" + order.planId() + "' is for your own server: set "
          + "byosConnectionRef instead of provider and region");
    }
    if (order.provider() != null && order.plan().offer(order.provider(), order.region()).isEmpty()) {
      return new RejectSpec(Reasons.PLAN_NOT_OFFERED, "plan '" + order.planId() + "' is not offered by "
          + order.provider() + " in region '" + order.region() + "'");
    }
    if (order.provider() != null && !order.enabledProviders().contains(order.provider())) {
      return new RejectSpec(Reasons.PROVIDER_NOT_ENABLED, "provider " + order.provider()
          + " is not enabled in this operator; enabled: " + sorted(order.enabledProviders()));
    }
    TorrentClient client = order.client() == null ? TorrentClient.QBITTORRENT : order.client();
    if (!order.plan().offersClient(client)) {
      return new RejectSpec(Reasons.CLIENT_NOT_OFFERED, "plan '" + order.planId() + "' offers "
          + sorted(order.plan().clients()) + ", found " + client + "; choose one of them or another plan");
    }
    if (!order.installableClients().contains(client)) {
      return new RejectSpec(Reasons.CLIENT_NOT_AVAILABLE, "only " + sorted(order.installableClients())
          + " can be installed so far, found " + client);
    }
    if (!o.account().named()) {
      return new RejectSpec(Reasons.INVALID_SPEC, "spec.accountRef is not set: name the BillingAccount, in this "
          + "namespace, that pays for this seedbox");
    }
    if (!o.account().exists()) {
      return new RejectSpec(Reasons.BILLING_ACCOUNT_NOT_FOUND, "the BillingAccount named in spec.accountRef does "
          + "not exist in this namespace");
    }
    if (order.byosConnectionRef() != null) {
      switch (order.byos()) {
        case MISSING, NOT_REFERENCED:
          return new RejectSpec(Reasons.BYOS_CONNECTION_NOT_FOUND,
              "ByosConnection '" + order.byosConnectionRef() + "' does not exist in this namespace");
        case NOT_CONNECTED:
          return new RejectSpec(Reasons.BYOS_CONNECTION_NOT_CONNECTED,
              "ByosConnection '" + order.byosConnectionRef() + "' is not Connected");
        case CONNECTED:
          break;
        default:
          throw new IllegalStateException("unhandled ByosConnection state " + order.byos());
      }
    }
    if (!o.account().opened()) {
      return new Wait(Reasons.ACCOUNT_NOT_READY, "the BillingAccount's ledger account is not open yet",
          WAIT_RECHECK);
    }
    if (o.account().state() == AccountState.SUSPENDED) {
      return new Wait(Reasons.ACCOUNT_SUSPENDED, "the BillingAccount is Suspended; top it up to continue",
          WAIT_RECHECK);
    }
    long price = order.plan().pricePerPeriodCents();
    if (o.account().balanceCents() < price) {
      return new Wait(Reasons.AWAITING_PAYMENT, "the first period costs " + price + " cents; the account holds "
          + o.account().balanceCents() + " cents of verified credit", WAIT_RECHECK);
    }
    return order.byosConnectionRef() != null ? new PreflightOwnServer(price) : new StartProvisioning(price);
  }

  private static SeedboxDecision provisioning(SeedboxObservation o) {
    if (o.row().providerRef() == null) {
      // The create carries the UID and adopts a server that already carries it, so calling it again after a lost
      // answer cannot make a second server.
      if (o.server() instanceof Server.Unreachable unreachable) {
        return onProviderFailure(Phase.PROVISIONING, unreachable.failure());
      }
      return new CreateServer();
    }
    Server server = o.server();
    if (server instanceof Server.Running running) {
      return new MarkActive(running.address(), running.webUiUrl());
    }
    if (server instanceof Server.Unmanageable unmanageable) {
      return new AwaitOwnServer(unmanageable.reason(), unmanageable.message());
    }
    if (server instanceof Server.Vanished) {
      return new FailProvisioning(Reasons.SERVER_VANISHED,
          "the provider no longer knows server " + o.row().providerRef());
    }
    if (server instanceof Server.Unreachable unreachable) {
      return onProviderFailure(Phase.PROVISIONING, unreachable.failure());
    }
    // Creating, Stopped (booting) or not yet listed right after the create: look again soon.
    return new AwaitServer(SERVER_POLL);
  }

  private static SeedboxDecision active(SeedboxObservation o) {
    if (terminateAtPassed(o)) {
      return new Terminate(Reasons.GRACE_PERIOD_EXPIRED, "the grace period after suspension for non-payment ended");
    }
    SeedboxDecision hold = hold(o);
    if (hold != null) {
      return hold;
    }
    if (o.server() instanceof Server.Vanished) {
      return new Report(Reasons.SERVER_VANISHED, "the provider no longer knows server " + o.row().providerRef()
          + "; it is not recreated automatically", WAIT_RECHECK);
    }
    if (o.server() instanceof Server.Unreachable unreachable) {
      return onProviderFailure(Phase.ACTIVE, unreachable.failure());
    }
    if (o.server() instanceof Server.Stopped) {
      return new Report(Reasons.SERVER_STOPPED, "server " + o.row().providerRef() + " is powered off at the provider",
          WAIT_RECHECK);
    }
    if (o.server() instanceof Server.Unmanageable unmanageable) {
      return new HoldManagement(unmanageable.reason(), unmanageable.message());
    }
    if (o.credentials().rotationRequested()) {
      return new RotateCredentials(o.credentials().requestedRotation());
    }
    if (o.host() instanceof Host.Unhealthy unhealthy) {
      if (o.row().onOwnServer() && UNMANAGEABLE.contains(unhealthy.reason())) {
        return new HoldManagement(unhealthy.reason(), unhealthy.message());
      }
      if (o.row().managementHold()) {
        // we can manage the server again; what is wrong with its client is ours to report, and billed
        return new ReleaseManagementHold();
      }
      return new HostUnhealthy(unhealthy.reason(), unhealthy.message());
    }
    if (o.row().managementHold()) {
      return new ReleaseManagementHold();
    }
    if (o.host() instanceof Host.Unmanaged unmanaged) {
      return new Report(Reasons.HOST_KEYS_MISSING, unmanaged.message(), WAIT_RECHECK);
    }
    return new InSync();
  }

  private static SeedboxDecision suspended(SeedboxObservation o) {
    if (terminateAtPassed(o)) {
      return new Terminate(Reasons.GRACE_PERIOD_EXPIRED, "the grace period after suspension for non-payment ended");
    }
    if (o.server() instanceof Server.Vanished) {
      return new Report(Reasons.SERVER_VANISHED, "the provider no longer knows server " + o.row().providerRef()
          + "; it is not recreated automatically", WAIT_RECHECK);
    }
    if (hold(o) == null) {
      return new Resume();
    }
    return new InSync();
  }

  private static SeedboxDecision terminating(SeedboxObservation o) {
    Server server = o.server();
    if (server instanceof Server.NotCreated || server instanceof Server.Vanished) {
      return new FinishTermination();
    }
    if (server instanceof Server.Unmanageable unmanageable) {
      // with the connection deleted nothing can reach the server again: finish, saying what was left there
      return Reasons.BYOS_CONNECTION_NOT_FOUND.equals(unmanageable.reason()) ? new FinishTermination()
          : new Report(unmanageable.reason(), unmanageable.message() + "; the client is removed from your server "
              + "once it can be reached (delete the ByosConnection to give up on that)", WAIT_RECHECK);
    }
    if (server instanceof Server.Unreachable unreachable) {
      return onProviderFailure(Phase.TERMINATING, unreachable.failure());
    }
    return new ReleaseServer();
  }

  /** The hold that keeps (or puts) a seedbox suspended, or null. A billing hold wins: it is the one a top-up lifts. */
  private static SeedboxDecision hold(SeedboxObservation o) {
    if (o.row().billingHold()) {
      return new Suspend(Reasons.BILLING_HOLD, "the BillingAccount cannot pay the current period");
    }
    if (o.order().suspendRequested()) {
      String why = o.order().suspendReason() == null ? "spec.suspend is true" : o.order().suspendReason();
      return new Suspend(Reasons.OPERATOR_HOLD, why);
    }
    return null;
  }

  /**
   * Whether the row's operator hold differs from {@code spec.suspend}: billing reads the hold from the row (an
   * operator hold is still billed), so it is recorded there while the seedbox is billable.
   */
  public static boolean operatorHoldToRecord(SeedboxObservation o) {
    return o.row().exists() && o.phase().billable() && o.row().operatorHold() != o.order().suspendRequested();
  }

  private static String sorted(Set<? extends Enum<?>> values) {
    return values.stream().sorted().map(Object::toString).collect(Collectors.joining(", "));
  }

  private static boolean terminateAtPassed(SeedboxObservation o) {
    return o.row().terminateAt() != null && !o.now().isBefore(o.row().terminateAt());
  }
}

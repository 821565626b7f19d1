package dev.seedbox.operator.seedbox;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.plan.Plan;
import dev.seedbox.api.v1alpha1.AccountState;
import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.api.v1alpha1.TorrentClient;
import dev.seedbox.hostchannel.https.CertificateProbe;
import dev.seedbox.operator.host.OwnServers;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything {@link SeedboxDecider#decide} looks at, gathered by the observe step (the CR, the plan catalog, the
 * BillingAccount and ledger, the seedbox's {@code seedbox_resources} row, the provider, the ByosConnection). Plain
 * values: building one needs no I/O, so every case is a unit test.
 *
 * @param phase the current phase (the row's when there is one, else the status's; Pending for a new resource)
 * @param deleting the resource has a deletion timestamp (our finalizer holds it)
 */
public record SeedboxObservation(
    Phase phase,
    boolean deleting,
    Order order,
    Account account,
    Row row,
    Server server,
    Credentials credentials,
    Host host,
    Instant now) {

  /** An observation in which the host channel was not asked. */
  public SeedboxObservation(Phase phase, boolean deleting, Order order, Account account, Row row, Server server,
      Credentials credentials, Instant now) {
    this(phase, deleting, order, account, row, server, credentials, new Host.NotProbed(), now);
  }

  public SeedboxObservation {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(order, "order");
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(row, "row");
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(now, "now");
  }

  /**
   * What the spec asks for, resolved against the plan catalog and the referenced ByosConnection.
   *
   * @param plan the catalog's plan for {@code planId}, or null when the catalog has no such plan
   * @param provider null when unset (BYOS)
   * @param byosConnectionRef null when unset
   * @param suspendReason null when unset
   * @param client null when unset (the default client)
   * @param enabledProviders the providers this operator is configured for
   * @param installableClients the clients this operator has a profile for
   */
  public record Order(
      String planId, Plan plan, ProviderKind provider, String region, String byosConnectionRef, Byos byos,
      boolean suspendRequested, String suspendReason, TorrentClient client, Set<ProviderKind> enabledProviders,
      Set<TorrentClient> installableClients) {

    public Order {
      enabledProviders = Set.copyOf(enabledProviders);
      installableClients = Set.copyOf(installableClients);
    }

    /** An order for the default client, with every provider enabled and every client installable. */
    public Order(String planId, Plan plan, ProviderKind provider, String region, String byosConnectionRef, Byos byos,
        boolean suspendRequested, String suspendReason) {
      this(planId, plan, provider, region, byosConnectionRef, byos, suspendRequested, suspendReason, null,
          EnumSet.allOf(ProviderKind.class), EnumSet.allOf(TorrentClient.class));
    }
  }

  /** The referenced ByosConnection, as far as the decision cares. */
  public enum Byos {
    /** The spec names no ByosConnection. */
    NOT_REFERENCED,
    /** The spec names one that does not exist. */
    MISSING,
    /** It exists but is not Connected (awaiting authorization, failed, revoked). */
    NOT_CONNECTED,
    CONNECTED
  }

  /**
   * The BillingAccount named by {@code spec.accountRef}, from the ledger.
   *
   * @param named the spec names an account at all (the schema requires it; an object stored behind its back may not)
   * @param exists the BillingAccount custom resource exists
   * @param opened the ledger has opened its account (the BillingAccount reconciler does that, keyed on its UID)
   */
  public record Account(boolean named, boolean exists, boolean opened, AccountState state, long balanceCents) {

    /** The account named by the spec. */
    public Account(boolean exists, boolean opened, AccountState state, long balanceCents) {
      this(true, exists, opened, state, balanceCents);
    }

    /** An account the ledger has opened (or, with {@code exists} false, none at all). */
    public Account(boolean exists, AccountState state, long balanceCents) {
      this(exists, exists, state, balanceCents);
    }

    public static Account missing() {
      return new Account(false, false, null, 0);
    }

    /** The spec has no {@code accountRef}: nothing to look up, and nothing will ever pay. */
    public static Account unnamed() {
      return new Account(false, false, false, null, 0);
    }

    /** The BillingAccount exists but the ledger has not opened its account yet: wait, it is not an error. */
    public static Account notOpened() {
      return new Account(true, false, null, 0);
    }
  }

  /**
   * The seedbox's {@code seedbox_resources} row, written by the operator when provisioning starts and by the billing
   * policy (holds, terminate-at).
   *
   * @param terminateAt null when none is set
   * @param providerRef null until the provider has answered a create
   * @param operatorHold the operator hold (spec.suspend) as last recorded on the row, where billing reads it
   * @param managementHold billing is held because the operator cannot manage the customer's own server
   */
  public record Row(boolean exists, boolean billingHold, Instant terminateAt, String providerRef,
      boolean operatorHold, boolean managementHold) {

    public Row(boolean exists, boolean billingHold, Instant terminateAt, String providerRef, boolean operatorHold) {
      this(exists, billingHold, terminateAt, providerRef, operatorHold, false);
    }

    public Row(boolean exists, boolean billingHold, Instant terminateAt, String providerRef) {
      this(exists, billingHold, terminateAt, providerRef, false);
    }

    /** The seedbox was placed on a customer's own server (its reference names a ByosConnection). */
    public boolean onOwnServer() {
      return OwnServers.connectionOf(providerRef).isPresent();
    }

    public static Row none() {
      return new Row(false, false, null, null);
    }
  }

  /** The server as the provider reports it. */
  public sealed interface Server {
    /** No server carries this seedbox's UID. */
    record NotCreated() implements Server {
    }

    /** Being built or booting. */
    record Creating() implements Server {
    }

    /**
     * @param address where the operator reaches the server: its public IPv4 address, or a customer's server's host
     * @param ipv6Address the server's public IPv6 address, published beside the IPv4 one; null where it has none
     * @param webUiUrl where the customer logs in
     */
    record Running(String address, String ipv6Address, String webUiUrl) implements Server {

      /** A server known by one address. */
      public Running(String address, String webUiUrl) {
        this(address, null, webUiUrl);
      }

      /** Every address the server's hostname points at. */
      public List<String> publicAddresses() {
        return ipv6Address == null ? List.of(address) : List.of(address, ipv6Address);
      }
    }

    /** Powered off. */
    record Stopped() implements Server {
    }

    /** We recorded a provider reference but the provider no longer knows the server. */
    record Vanished() implements Server {
    }

    /** The provider could not be asked (or refused a call). */
    record Unreachable(ProviderFailure failure) implements Server {
    }

    /**
     * A customer's own server the operator cannot manage now: its ByosConnection is gone ({@code reason}
     * ByosConnectionNotFound) or not Connected (ByosConnectionNotConnected).
     */
    record Unmanageable(String reason, String message) implements Server {
    }
  }

  /**
   * A failed provider call. Retryable failures (429, 5xx, timeouts) carry the provider's wait when it gave one.
   *
   * @param retryAfter null when the provider gave no wait
   * @param reason the condition reason: {@code ProviderError}, or {@code ProviderUnauthorized} when the provider
   *     refused our token (the operator's configuration, never the customer's)
   */
  public record ProviderFailure(boolean retryable, Duration retryAfter, String message, String reason) {

    public ProviderFailure(boolean retryable, Duration retryAfter, String message) {
      this(retryable, retryAfter, message, SeedboxDecider.Reasons.PROVIDER_ERROR);
    }
  }

  /** An Active seedbox's client as the periodic probe found it over the host channel. */
  public sealed interface Host {
    /** Not asked in this pass (not Active, or the last probe is recent and was healthy). */
    record NotProbed() implements Host {
    }

    /**
     * The client runs and its web UI accepts the customer's credentials.
     *
     * @param certificate with HTTPS on, how the web UI's certificate looked against the expiry threshold
     */
    record Healthy(Optional<CertificateProbe.Verdict> certificate) implements Host {
      public Healthy() {
        this(Optional.empty());
      }
    }

    /**
     * The customer cannot use the seedbox: {@code reason} is {@code WebUiUnreachable}, {@code ClientNotRunning},
     * {@code CredentialsRejected}, {@code HostUnreachable}, ...
     */
    record Unhealthy(String reason, String message) implements Host {
    }

    /** The server cannot be managed over the host channel (it has no keys of ours). */
    record Unmanaged(String message) implements Host {
    }
  }

  /** {@code spec.credentialsRotation} against {@code status.observedCredentialsRotation}. */
  public record Credentials(long requestedRotation, long observedRotation) {
    public boolean rotationRequested() {
      return requestedRotation > observedRotation;
    }
  }
}

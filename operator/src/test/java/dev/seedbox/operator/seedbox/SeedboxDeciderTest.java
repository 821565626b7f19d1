package dev.seedbox.operator.seedbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.api.lifecycle.Phase;
import dev.seedbox.api.plan.Plan;
import dev.seedbox.api.plan.ProviderOffer;
import dev.seedbox.api.v1alpha1.AccountState;
import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.api.v1alpha1.TorrentClient;
import dev.seedbox.hostchannel.ClientProbe;
import dev.seedbox.operator.seedbox.SeedboxDecider.Reasons;
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
import dev.seedbox.operator.seedbox.SeedboxObservation.Account;
import dev.seedbox.operator.seedbox.SeedboxObservation.Byos;
import dev.seedbox.operator.seedbox.SeedboxObservation.Credentials;
import dev.seedbox.operator.seedbox.SeedboxObservation.Host;
import dev.seedbox.operator.seedbox.SeedboxObservation.Order;
import dev.seedbox.operator.seedbox.SeedboxObservation.ProviderFailure;
import dev.seedbox.operator.seedbox.SeedboxObservation.Row;
import dev.seedbox.operator.seedbox.SeedboxObservation.Server;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SeedboxDeciderTest {

  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  static final Plan STARTER = new Plan("starter", "Starter", 1500, 1000,
      Map.of(ProviderKind.DIGITALOCEAN, new ProviderOffer("s-2vcpu-4gb", List.of("ams3"))));
  static final String REF = "digitalocean:123";
  static final Plan OWN_SERVER = new Plan("own-server", "Your server", 400, 100, Map.of(), true);
  static final String PLACEMENT = "byos:home";

  /** An observation builder: defaults describe a valid, paid-up order on DigitalOcean ams3. */
  static final class Obs {
    Phase phase = Phase.PENDING;
    boolean deleting;
    Plan plan = STARTER;
    String planId = "starter";
    ProviderKind provider = ProviderKind.DIGITALOCEAN;
    String region = "ams3";
    String byosRef;
    Byos byos = Byos.NOT_REFERENCED;
    boolean suspend;
    String suspendReason;
    Account account = new Account(true, AccountState.ACTIVE, 5000);
    Row row = Row.none();
    Server server = new Server.NotCreated();
    Credentials credentials = new Credentials(0, 0);
    Host host = new Host.NotProbed();
    TorrentClient client;
    Set<ProviderKind> enabledProviders = EnumSet.allOf(ProviderKind.class);
    Set<TorrentClient> installableClients = EnumSet.allOf(TorrentClient.class);

    Obs phase(Phase p) {
      phase = p;
      if (p != Phase.PENDING) {
        row = new Row(true, false, null, REF);
        server = new Server.Running("203.0.113.7", "https://203.0.113.7:8080");
      }
      return this;
    }

    SeedboxObservation build() {
      return new SeedboxObservation(phase, deleting,
          new Order(planId, plan, provider, region, byosRef, byos, suspend, suspendReason, client, enabledProviders,
              installableClients), account, row, server,
          credentials, host, NOW);
    }

    SeedboxDecision decide() {
      return SeedboxDecider.decide(build());
    }
  }

  static Obs obs() {
    return new Obs();
  }

  @Nested
  class Pending {
    @Test
    void refusesAClientItCannotInstallRightAwayNotAfterPayment() {
      Obs o = obs();
      o.account = new Account(true, AccountState.ACTIVE, 0);
      o.client = TorrentClient.TRANSMISSION;
      o.installableClients = Set.of(TorrentClient.QBITTORRENT);
      assertThat(o.decide()).isEqualTo(new RejectSpec(Reasons.CLIENT_NOT_AVAILABLE,
          "only qbittorrent can be installed so far, found transmission"));
    }

    @Test
    void refusesAClientThePlanDoesNotOfferRightAwayNotAfterPayment() {
      Obs o = obs();
      o.plan = new Plan("starter", "Starter", 1500, 1000, STARTER.offers(), false,
          Set.of(TorrentClient.QBITTORRENT, TorrentClient.DELUGE));
      o.client = TorrentClient.RTORRENT;
      assertThat(o.decide()).isEqualTo(new RejectSpec(Reasons.CLIENT_NOT_OFFERED,
          "plan 'starter' offers qbittorrent, deluge, found rtorrent; choose one of them or another plan"));

      o.client = TorrentClient.DELUGE;
      assertThat(o.decide()).isInstanceOf(StartProvisioning.class);
    }

    @Test
    void refusesAProviderThisOperatorDoesNotEnableRightAwayNotAfterPayment() {
      Obs o = obs();
      o.account = new Account(true, AccountState.ACTIVE, 0);
      o.enabledProviders = Set.of(ProviderKind.INMEMORY, ProviderKind.HETZNER);
      assertThat(o.decide()).isEqualTo(new RejectSpec(Reasons.PROVIDER_NOT_ENABLED,
          "provider digitalocean is not enabled in this operator; enabled: hetzner, inmemory"));
    }

    @Test
    void anUnsetClientIsTheDefaultOne() {
      Obs o = obs();
      o.installableClients = Set.of(TorrentClient.QBITTORRENT);
      assertThat(o.decide()).isInstanceOf(StartProvisioning.class);
    }

    @Test
    void theOperatorHoldIsRecordedOnTheRowOnlyWhileBillableAndOnlyWhenItDiffers() {
      Obs o = obs().phase(Phase.ACTIVE);
      o.suspend = true;
      assertThat(SeedboxDecider.operatorHoldToRecord(o.build())).isTrue();
      o.row = new Row(true, false, null, REF, true);
      assertThat(SeedboxDecider.operatorHoldToRecord(o.build())).isFalse();
      o.suspend = false;
      assertThat(SeedboxDecider.operatorHoldToRecord(o.build())).isTrue();
      Obs pending = obs();
      pending.suspend = true;
      assertThat(SeedboxDecider.operatorHoldToRecord(pending.build())).isFalse();
    }

    @Test
    void startsProvisioningChargingTheFirstPeriodWhenVerifiedCreditCoversIt() {
      Obs o = obs();
      o.account = new Account(true, AccountState.ACTIVE, 1500);
      SeedboxDecision d = o.decide();
      assertThat(d).isEqualTo(new StartProvisioning(1500));
      assertThat(d.target()).contains(Phase.PROVISIONING);
    }

    @Test
    void waitsAwaitingPaymentWhileCreditIsShortOfTheFirstPeriod() {
      Obs o = obs();
      o.account = new Account(true, AccountState.LOW_BALANCE, 1499);
      assertThat(o.decide()).isInstanceOfSatisfying(Wait.class,
          w -> assertThat(w.reason()).isEqualTo(Reasons.AWAITING_PAYMENT));
    }

    @Test
    void waitsWhileTheAccountIsSuspendedEvenWithCredit() {
      Obs o = obs();
      o.account = new Account(true, AccountState.SUSPENDED, 100_000);
      assertThat(o.decide()).isInstanceOfSatisfying(Wait.class,
          w -> assertThat(w.reason()).isEqualTo(Reasons.ACCOUNT_SUSPENDED));
    }

    @Test
    void aCloudOrderForAnOwnServerPlanIsRejected() {
      Obs o = obs();
      o.plan = OWN_SERVER;
      o.planId = "own-server";
      assertThat(o.decide()).isInstanceOfSatisfying(RejectSpec.class, r -> {
        assertThat(r.reason()).isEqualTo(Reasons.PLAN_NOT_OFFERED);
        assertThat(r.message()).contains("byosConnectionRef");
      });
    }

    @Test
    void rejectsUnknownPlanWithoutChargingOrProvisioning() {
      Obs o = obs();
      o.plan = null;
      o.planId = "platinum";
      assertThat(o.decide()).isInstanceOfSatisfying(RejectSpec.class, r -> {
        assertThat(r.reason()).isEqualTo(Reasons.UNKNOWN_PLAN);
        assertThat(r.message()).contains("platinum");
      });
    }

    @Test
    void rejectsPlanNotOfferedByTheProvider() {
      Obs o = obs();
      o.provider = ProviderKind.HETZNER;
      o.region = "fsn1";
      assertThat(o.decide()).isInstanceOfSatisfying(RejectSpec.class,
          r -> assertThat(r.reason()).isEqualTo(Reasons.PLAN_NOT_OFFERED));
    }

    @Test
    void rejectsPlanNotOfferedInTheRegion() {
      Obs o = obs();
      o.region = "nyc1";
      assertThat(o.decide()).isInstanceOfSatisfying(RejectSpec.class, r -> {
        assertThat(r.reason()).isEqualTo(Reasons.PLAN_NOT_OFFERED);
        assertThat(r.message()).contains("nyc1");
      });
    }

    @Test
    void rejectsMissingBillingAccount() {
      Obs o = obs();
      o.account = Account.missing();
      assertThat(o.decide()).isInstanceOfSatisfying(RejectSpec.class,
          r -> assertThat(r.reason()).isEqualTo(Reasons.BILLING_ACCOUNT_NOT_FOUND));
    }

    @Test
    void rejectsASpecWithoutAccountRefAsInvalidRatherThanAsAMissingAccount() {
      Obs o = obs();
      o.account = Account.unnamed();
      assertThat(o.decide()).isInstanceOfSatisfying(RejectSpec.class, r -> {
        assertThat(r.reason()).isEqualTo(Reasons.INVALID_SPEC);
        assertThat(r.message()).contains("spec.accountRef is not set").doesNotContain("does not exist");
      });
    }

    @Test
    void rejectsBothProviderAndByosConnection() {
      Obs o = obs();
      o.byosRef = "home";
      o.byos = Byos.CONNECTED;
      assertThat(o.decide()).isInstanceOfSatisfying(RejectSpec.class,
          r -> assertThat(r.reason()).isEqualTo(Reasons.CONFLICTING_PLACEMENT));
    }

    @Test
    void rejectsByosConnectionThatIsNotConnectedOrMissing() {
      Obs o = obs();
      o.provider = null;
      o.byosRef = "home";
      o.plan = OWN_SERVER;
      o.byos = Byos.NOT_CONNECTED;
      assertThat(o.decide()).isInstanceOfSatisfying(RejectSpec.class,
          r -> assertThat(r.reason()).isEqualTo(Reasons.BYOS_CONNECTION_NOT_CONNECTED));
      o.byos = Byos.MISSING;
      assertThat(o.decide()).isInstanceOfSatisfying(RejectSpec.class,
          r -> assertThat(r.reason()).isEqualTo(Reasons.BYOS_CONNECTION_NOT_FOUND));
    }

    @Test
    void fixingTheSpecRecovers() {
      Obs o = obs();
      o.plan = null;
      assertThat(o.decide()).isInstanceOf(RejectSpec.class);
      o.plan = STARTER;
      assertThat(o.decide()).isInstanceOf(StartProvisioning.class);
    }

    @Test
    void deletingAPendingSeedboxCancelsStraightToTerminated() {
      Obs o = obs();
      o.deleting = true;
      SeedboxDecision d = o.decide();
      assertThat(d).isInstanceOf(CancelPending.class);
      assertThat(d.target()).contains(Phase.TERMINATED);
    }
  }

  @Nested
  class Provisioning {
    @Test
    void createsTheServerUntilAProviderReferenceIsRecorded() {
      Obs o = obs().phase(Phase.PROVISIONING);
      o.row = new Row(true, false, null, null);
      o.server = new Server.NotCreated();
      assertThat(o.decide()).isInstanceOf(CreateServer.class);
    }

    @Test
    void waitsForABootingServer() {
      Obs o = obs().phase(Phase.PROVISIONING);
      o.server = new Server.Creating();
      assertThat(o.decide()).isEqualTo(new AwaitServer(SeedboxDecider.SERVER_POLL));
    }

    @Test
    void goesActiveWithTheEndpointOnceTheServerRuns() {
      SeedboxDecision d = obs().phase(Phase.PROVISIONING).decide();
      assertThat(d).isEqualTo(new MarkActive("203.0.113.7", "https://203.0.113.7:8080"));
      assertThat(d.target()).contains(Phase.ACTIVE);
    }

    @Test
    void retryableProviderErrorBacksOffHonouringTheProvidersWait() {
      Obs o = obs().phase(Phase.PROVISIONING);
      o.row = new Row(true, false, null, null);
      o.server = new Server.Unreachable(new ProviderFailure(true, Duration.ofSeconds(42), "429 rate limited"));
      assertThat(o.decide()).isEqualTo(new RetryLater(Duration.ofSeconds(42), "429 rate limited"));
    }

    @Test
    void retryableProviderErrorWithoutAWaitUsesTheDefaultBackOff() {
      assertThat(SeedboxDecider.onProviderFailure(Phase.PROVISIONING, new ProviderFailure(true, null, "503")))
          .isEqualTo(new RetryLater(SeedboxDecider.DEFAULT_RETRY, "503"));
    }

    @Test
    void permanentProviderErrorFailsWithTheProvidersMessage() {
      Obs o = obs().phase(Phase.PROVISIONING);
      o.server = new Server.Unreachable(new ProviderFailure(false, null, "422 size not available"));
      SeedboxDecision d = o.decide();
      assertThat(d).isEqualTo(new FailProvisioning(Reasons.PROVIDER_ERROR, "422 size not available"));
      assertThat(d.target()).contains(Phase.FAILED);
    }

    @Test
    void vanishedServerFailsProvisioningInsteadOfBeingRecreated() {
      Obs o = obs().phase(Phase.PROVISIONING);
      o.server = new Server.Vanished();
      assertThat(o.decide()).isInstanceOfSatisfying(FailProvisioning.class,
          f -> assertThat(f.reason()).isEqualTo(Reasons.SERVER_VANISHED));
    }

    @Test
    void deletingDuringProvisioningFailsFirst() {
      Obs o = obs().phase(Phase.PROVISIONING);
      o.deleting = true;
      assertThat(o.decide()).isInstanceOfSatisfying(FailProvisioning.class,
          f -> assertThat(f.reason()).isEqualTo(Reasons.DELETED));
    }
  }

  @Nested
  class Active {
    @Test
    void inSyncWhenRunningWithNothingRequested() {
      assertThat(obs().phase(Phase.ACTIVE).decide()).isInstanceOf(InSync.class);
    }

    @Test
    void suspendsOnABillingHold() {
      Obs o = obs().phase(Phase.ACTIVE);
      o.row = new Row(true, true, NOW.plus(Duration.ofDays(7)), REF);
      SeedboxDecision d = o.decide();
      assertThat(d).isInstanceOfSatisfying(Suspend.class,
          s -> assertThat(s.reason()).isEqualTo(Reasons.BILLING_HOLD));
      assertThat(d.target()).contains(Phase.SUSPENDED);
    }

    @Test
    void suspendsOnSpecSuspendRecordingTheReason() {
      Obs o = obs().phase(Phase.ACTIVE);
      o.suspend = true;
      o.suspendReason = "abuse report 4711";
      assertThat(o.decide()).isEqualTo(new Suspend(Reasons.OPERATOR_HOLD, "abuse report 4711"));
    }

    @Test
    void terminatesWhenTerminateAtHasPassed() {
      Obs o = obs().phase(Phase.ACTIVE);
      o.row = new Row(true, true, NOW, REF);
      SeedboxDecision d = o.decide();
      assertThat(d).isInstanceOfSatisfying(Terminate.class,
          t -> assertThat(t.reason()).isEqualTo(Reasons.GRACE_PERIOD_EXPIRED));
      assertThat(d.target()).contains(Phase.TERMINATING);
    }

    @Test
    void rotatesCredentialsOncePerValue() {
      Obs o = obs().phase(Phase.ACTIVE);
      o.credentials = new Credentials(3, 2);
      assertThat(o.decide()).isEqualTo(new RotateCredentials(3));
      o.credentials = new Credentials(3, 3);
      assertThat(o.decide()).isInstanceOf(InSync.class);
      o.credentials = new Credentials(2, 3);
      assertThat(o.decide()).isInstanceOf(InSync.class);
    }

    @Test
    void anUnhealthyProbeIsReportedAndChangesNoPhase() {
      Obs o = obs().phase(Phase.ACTIVE);
      o.host = new Host.Unhealthy("CredentialsRejected", "the web UI refused the credentials");
      SeedboxDecision d = o.decide();
      assertThat(d).isEqualTo(new HostUnhealthy("CredentialsRejected", "the web UI refused the credentials"));
      assertThat(d.target()).isEmpty();
    }

    @Test
    void aRotationComesBeforeTheProbesVerdict() {
      Obs o = obs().phase(Phase.ACTIVE);
      o.host = new Host.Unhealthy("CredentialsRejected", "the web UI refused the credentials");
      o.credentials = new Credentials(1, 0);
      assertThat(o.decide()).isEqualTo(new RotateCredentials(1));
    }

    @Test
    void aServerWithoutOurKeysIsReportedAsUnmanaged() {
      Obs o = obs().phase(Phase.ACTIVE);
      o.host = new Host.Unmanaged("no keys");
      assertThat(o.decide()).isInstanceOfSatisfying(Report.class,
          r -> assertThat(r.reason()).isEqualTo(Reasons.HOST_KEYS_MISSING));
    }

    @Test
    void reportsAVanishedServerWithoutRecreatingIt() {
      Obs o = obs().phase(Phase.ACTIVE);
      o.server = new Server.Vanished();
      SeedboxDecision d = o.decide();
      assertThat(d).isInstanceOfSatisfying(Report.class,
          r -> assertThat(r.reason()).isEqualTo(Reasons.SERVER_VANISHED));
      assertThat(d.target()).isEmpty();
    }

    @Test
    void reportsAServerPoweredOffBehindOurBack() {
      Obs o = obs().phase(Phase.ACTIVE);
      o.server = new Server.Stopped();
      assertThat(o.decide()).isInstanceOfSatisfying(Report.class,
          r -> assertThat(r.reason()).isEqualTo(Reasons.SERVER_STOPPED));
    }

    @Test
    void permanentProviderErrorOutsideProvisioningIsReportedNotFailed() {
      Obs o = obs().phase(Phase.ACTIVE);
      o.server = new Server.Unreachable(new ProviderFailure(false, null, "403 forbidden"));
      assertThat(o.decide()).isEqualTo(new Report(Reasons.PROVIDER_ERROR, "403 forbidden",
          SeedboxDecider.WAIT_RECHECK));
    }

    @Test
    void deletingAnActiveSeedboxTerminates() {
      Obs o = obs().phase(Phase.ACTIVE);
      o.deleting = true;
      assertThat(o.decide()).isInstanceOfSatisfying(Terminate.class,
          t -> assertThat(t.reason()).isEqualTo(Reasons.DELETED));
    }
  }

  @Nested
  class Suspended {
    @Test
    void staysSuspendedWhileEitherHoldRemains() {
      Obs o = obs().phase(Phase.SUSPENDED);
      o.row = new Row(true, true, null, REF);
      assertThat(o.decide()).isInstanceOf(InSync.class);
      o.row = new Row(true, false, null, REF);
      o.suspend = true;
      assertThat(o.decide()).isInstanceOf(InSync.class);
    }

    @Test
    void resumesWhenBothHoldsClear() {
      SeedboxDecision d = obs().phase(Phase.SUSPENDED).decide();
      assertThat(d).isInstanceOf(Resume.class);
      assertThat(d.target()).contains(Phase.ACTIVE);
    }

    @Test
    void terminatesWhenTerminateAtHasPassed() {
      Obs o = obs().phase(Phase.SUSPENDED);
      o.row = new Row(true, true, NOW.minusSeconds(1), REF);
      assertThat(o.decide()).isInstanceOf(Terminate.class);
    }

    @Test
    void doesNotTerminateBeforeTerminateAt() {
      Obs o = obs().phase(Phase.SUSPENDED);
      o.row = new Row(true, true, NOW.plusSeconds(1), REF);
      assertThat(o.decide()).isInstanceOf(InSync.class);
    }

    @Test
    void deletingASuspendedSeedboxTerminates() {
      Obs o = obs().phase(Phase.SUSPENDED);
      o.deleting = true;
      assertThat(o.decide()).isInstanceOf(Terminate.class);
    }
  }

  @Nested
  class Ending {
    @ParameterizedTest
    @EnumSource(value = Phase.class, names = {"FAILED", "TERMINATED"})
    void failedAndTerminatedStayPutWhenNotDeleted(Phase phase) {
      assertThat(obs().phase(phase).decide()).isInstanceOf(InSync.class);
    }

    @Test
    void deletingAFailedSeedboxTerminates() {
      Obs o = obs().phase(Phase.FAILED);
      o.deleting = true;
      assertThat(o.decide()).isInstanceOf(Terminate.class);
    }

    @Test
    void terminatingReleasesAServerThatStillExists() {
      for (Server server : List.of(new Server.Running("a", "b"), new Server.Stopped(), new Server.Creating())) {
        Obs o = obs().phase(Phase.TERMINATING);
        o.server = server;
        assertThat(o.decide()).as(server.toString()).isInstanceOf(ReleaseServer.class);
        o.deleting = true;
        assertThat(o.decide()).as(server.toString()).isInstanceOf(ReleaseServer.class);
      }
    }

    @Test
    void terminatingFinishesOnceTheServerIsGone() {
      for (Server server : List.of(new Server.NotCreated(), new Server.Vanished())) {
        Obs o = obs().phase(Phase.TERMINATING);
        o.server = server;
        SeedboxDecision d = o.decide();
        assertThat(d).isInstanceOf(FinishTermination.class);
        assertThat(d.target()).contains(Phase.TERMINATED);
      }
    }

    @Test
    void terminatingRetriesAProviderThatCannotBeReached() {
      Obs o = obs().phase(Phase.TERMINATING);
      o.server = new Server.Unreachable(new ProviderFailure(true, Duration.ofSeconds(5), "502"));
      assertThat(o.decide()).isEqualTo(new RetryLater(Duration.ofSeconds(5), "502"));
    }

    @Test
    void terminatedAndDeletedRemovesTheFinalizer() {
      Obs o = obs().phase(Phase.TERMINATED);
      o.deleting = true;
      assertThat(o.decide()).isInstanceOf(RemoveFinalizer.class);
    }
  }

  @ParameterizedTest
  @EnumSource(Phase.class)
  void everyPhaseHasADecisionWhetherOrNotDeleted(Phase phase) {
    Obs o = obs().phase(phase);
    assertThat(o.decide()).isNotNull();
    o.deleting = true;
    assertThat(o.decide()).isNotNull();
  }

  @Nested
  class HostNotReady {
    private final Instant since = NOW.minus(Duration.ofMinutes(5));
    private final Duration deadline = Duration.ofMinutes(15);

    @Test
    void waitsWhileTheServerIsOnItsWay() {
      assertThat(SeedboxDecider.onHostNotReady(NOW, since, deadline, "ServerBooting", "first boot is running", false))
          .isEqualTo(new AwaitHost("ServerBooting", "first boot is running"));
    }

    @Test
    void failsAtOnceWhenTheServerReportsAFailureOfItsOwn() {
      SeedboxDecision d = SeedboxDecider.onHostNotReady(NOW, since, deadline, "BootFailed", "apt failed", true);
      assertThat(d).isEqualTo(new FailProvisioning("BootFailed", "apt failed"));
      assertThat(d.target()).contains(Phase.FAILED);
    }

    @Test
    void failsOnceTheBootDeadlineFromTheFirstChargeHasPassed() {
      assertThat(SeedboxDecider.onHostNotReady(since.plus(deadline).minusSeconds(1), since, deadline,
          "ServerBooting", "first boot is running", false)).isInstanceOf(AwaitHost.class);
      assertThat(SeedboxDecider.onHostNotReady(since.plus(deadline), since, deadline, "ServerBooting",
          "first boot is running", false)).isInstanceOfSatisfying(FailProvisioning.class, f -> {
            assertThat(f.reason()).isEqualTo(Reasons.BOOT_DEADLINE_EXCEEDED);
            assertThat(f.message()).contains("PT15M").contains("ServerBooting: first boot is running");
          });
    }

    @Test
    void withoutAKnownStartOnlyTheServersOwnFailureFailsIt() {
      assertThat(SeedboxDecider.onHostNotReady(NOW.plus(Duration.ofDays(1)), null, deadline, "ServerBooting", "x",
          false)).isInstanceOf(AwaitHost.class);
    }
  }

  /** A seedbox on the customer's own server (byosConnectionRef). */
  @Nested
  class OwnServer {
    Obs own(Phase phase) {
      Obs o = obs().phase(phase);
      o.provider = null;
      o.region = null;
      o.byosRef = "home";
      o.byos = Byos.CONNECTED;
      o.plan = OWN_SERVER;
      o.planId = "own-server";
      if (phase != Phase.PENDING) {
        o.row = new Row(true, false, null, PLACEMENT);
        o.server = new Server.Running("198.51.100.4", "http://198.51.100.4:20000");
      }
      return o;
    }

    @Test
    void aPaidOrderOnAConnectedServerRunsThePreflightBeforeAnyCharge() {
      SeedboxDecision d = own(Phase.PENDING).decide();
      assertThat(d).isEqualTo(new PreflightOwnServer(400));
      assertThat(d.target()).contains(Phase.PROVISIONING);
    }

    @Test
    void anUnpaidOrderWaitsForPaymentWithoutTouchingTheServer() {
      Obs o = own(Phase.PENDING);
      o.account = new Account(true, AccountState.ACTIVE, 399);
      assertThat(o.decide()).isInstanceOfSatisfying(Wait.class,
          w -> assertThat(w.reason()).isEqualTo(Reasons.AWAITING_PAYMENT));
    }

    @Test
    void aCloudPlanCannotBeInstalledOnTheCustomersServer() {
      Obs o = own(Phase.PENDING);
      o.plan = STARTER;
      o.planId = "starter";
      assertThat(o.decide()).isInstanceOfSatisfying(RejectSpec.class, r -> {
        assertThat(r.reason()).isEqualTo(Reasons.PLAN_NOT_OFFERED);
        assertThat(r.message()).contains("for cloud servers");
      });
    }

    @Test
    void aConnectionNotConnectedKeepsTheOrderPending() {
      Obs o = own(Phase.PENDING);
      o.byos = Byos.NOT_CONNECTED;
      assertThat(o.decide()).isInstanceOfSatisfying(RejectSpec.class,
          r -> assertThat(r.reason()).isEqualTo(Reasons.BYOS_CONNECTION_NOT_CONNECTED));
    }

    @Test
    void provisioningRecordsThePlacementThenPreparesTheServer() {
      Obs o = own(Phase.PROVISIONING);
      o.row = new Row(true, false, null, null);
      o.server = new Server.NotCreated();
      assertThat(o.decide()).isEqualTo(new CreateServer());
      assertThat(own(Phase.PROVISIONING).decide()).isEqualTo(new MarkActive("198.51.100.4",
          "http://198.51.100.4:20000"));
    }

    @Test
    void provisioningWaitsForAServerItCannotManageUpToTheDeadline() {
      Obs o = own(Phase.PROVISIONING);
      o.server = new Server.Unmanageable(Reasons.BYOS_CONNECTION_NOT_CONNECTED, "not Connected");
      assertThat(o.decide()).isEqualTo(new AwaitOwnServer(Reasons.BYOS_CONNECTION_NOT_CONNECTED, "not Connected"));
    }

    @Test
    void anActiveSeedboxWhoseConnectionWentAwayHoldsBilling() {
      Obs o = own(Phase.ACTIVE);
      o.server = new Server.Unmanageable(Reasons.BYOS_CONNECTION_NOT_FOUND, "gone");
      assertThat(o.decide()).isEqualTo(new HoldManagement(Reasons.BYOS_CONNECTION_NOT_FOUND, "gone"));
    }

    @Test
    void ourKeyRefusedOnTheCustomersServerHoldsBillingButOnOurServerIsOnlyReported() {
      Obs o = own(Phase.ACTIVE);
      o.host = new Host.Unhealthy(ClientProbe.HOST_ACCESS_REFUSED, "refused our key");
      assertThat(o.decide()).isEqualTo(new HoldManagement(ClientProbe.HOST_ACCESS_REFUSED, "refused our key"));
      Obs cloud = obs().phase(Phase.ACTIVE);
      cloud.host = new Host.Unhealthy(ClientProbe.HOST_ACCESS_REFUSED, "refused our key");
      assertThat(cloud.decide()).isEqualTo(new HostUnhealthy(ClientProbe.HOST_ACCESS_REFUSED, "refused our key"));
    }

    @Test
    void aClientProblemOnTheCustomersServerIsReportedAndStillBilled() {
      Obs o = own(Phase.ACTIVE);
      o.host = new Host.Unhealthy(ClientProbe.CLIENT_NOT_RUNNING, "not running");
      assertThat(o.decide()).isEqualTo(new HostUnhealthy(ClientProbe.CLIENT_NOT_RUNNING, "not running"));
    }

    @Test
    void theHoldIsReleasedOnceTheServerCanBeManagedAgain() {
      Obs o = own(Phase.ACTIVE);
      o.row = new Row(true, false, null, PLACEMENT, false, true);
      o.host = new Host.Healthy();
      assertThat(o.decide()).isEqualTo(new ReleaseManagementHold());
      o.host = new Host.Unhealthy(ClientProbe.CLIENT_NOT_RUNNING, "not running");
      assertThat(o.decide()).as("reachable again, even with its client down").isEqualTo(new ReleaseManagementHold());
      o.host = new Host.Unhealthy(ClientProbe.HOST_UNREACHABLE, "no answer");
      assertThat(o.decide()).isEqualTo(new HoldManagement(ClientProbe.HOST_UNREACHABLE, "no answer"));
    }

    @Test
    void aBillingHoldSuspendsBeforeAnythingElse() {
      Obs o = own(Phase.ACTIVE);
      o.row = new Row(true, true, NOW.plus(Duration.ofDays(7)), PLACEMENT);
      o.server = new Server.Unmanageable(Reasons.BYOS_CONNECTION_NOT_FOUND, "gone");
      assertThat(o.decide()).isInstanceOfSatisfying(Suspend.class,
          sus -> assertThat(sus.reason()).isEqualTo(Reasons.BILLING_HOLD));
    }

    @Test
    void terminationFinishesWhenTheConnectionIsDeletedAndRetriesWhileItMayComeBack() {
      Obs o = own(Phase.TERMINATING);
      assertThat(o.decide()).isEqualTo(new ReleaseServer());
      o.server = new Server.Unmanageable(Reasons.BYOS_CONNECTION_NOT_FOUND, "gone");
      assertThat(o.decide()).isEqualTo(new FinishTermination());
      o.server = new Server.Unmanageable(Reasons.BYOS_CONNECTION_NOT_CONNECTED, "not Connected");
      assertThat(o.decide()).isInstanceOfSatisfying(Report.class,
          r -> assertThat(r.reason()).isEqualTo(Reasons.BYOS_CONNECTION_NOT_CONNECTED));
    }
  }
}

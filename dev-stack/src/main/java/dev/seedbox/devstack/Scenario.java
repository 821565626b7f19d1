package dev.seedbox.devstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.seedbox.api.v1alpha1.BillingAccount;
import dev.seedbox.api.v1alpha1.ByosConnection;
import dev.seedbox.devsupport.EmbeddedKubernetes;
import dev.seedbox.keys.key.OpenSshPublicKey;
import dev.seedbox.ledger.CycleReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The story the dev stack tells, through the real interfaces only: the sample account is topped up through the
 * billing-controller's /v1 API and a webhook the sandbox gateway signs (after the customer authorised the sample
 * ByosConnection's key on their server); the seedboxes, one of them on that server, go Pending → Provisioning →
 * Active; the dev clock then jumps a billing period at a time, with a billing cycle after each jump, until the account
 * is LowBalance and then Suspended with its seedboxes; a second top-up resumes them.
 */
public final class Scenario {

  /** One 30-day billing period per jump (architecture §8). */
  public static final Duration PERIOD = Duration.ofDays(30);
  /** Plenty for the sample account: 12 periods without a suspension would mean the policy is not working. */
  public static final int MAX_PERIODS = 12;
  public static final String TOP_UP_USD = "120.00";
  /** The sample ByosConnection (examples/byos-connection.yaml), to the customer's {@link Homelab}. */
  public static final String BYOS_CONNECTION = "acme-homelab";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(90);

  private final DevStack stack;
  private final ProgressTable table;
  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, Set<String>> phasesSeen = new LinkedHashMap<>();
  private final List<String> accountStatesSeen = new ArrayList<>();
  private int topUps;

  public Scenario(DevStack stack, ProgressTable table) {
    this.stack = stack;
    this.table = table;
  }

  /** What the scenario saw, for the summary and for tests. */
  public record Result(Map<String, Set<String>> phasesSeen, List<String> accountStatesSeen, int periodsRun,
      Snapshot afterFirstTopUp, Snapshot afterRunningDry, Snapshot afterSecondTopUp) {
  }

  /** Thrown when the stack does not reach a state in time; says which, and what it showed instead. */
  public static final class StepFailedException extends RuntimeException {
    private final Snapshot last;

    StepFailedException(String step, Duration timeout, Snapshot last) {
      super("step '" + step + "' did not complete within " + timeout.toSeconds() + " s; the resources show: "
          + last.rows());
      this.last = last;
    }

    public Snapshot last() {
      return last;
    }
  }

  public Result run() {
    table.say("1. examples applied: the seedboxes wait in Pending until their account holds credit");
    await("seedboxes Pending, waiting for payment", s -> allSeedboxes(s, "Pending"));
    String key = awaitConnectionKey();
    table.say("   the customer runs byos/" + BYOS_CONNECTION + "'s onboarding command on " + Homelab.HOST
        + ": our key " + OpenSshPublicKey.parse(key).fingerprint() + " may log in");
    stack.homelab().runOnboardingCommand(key);
    await("byos/" + BYOS_CONNECTION + " Connected", s -> "Connected".equals(s.phaseOf("byos/" + BYOS_CONNECTION)));

    table.say("2. top-up of $" + TOP_UP_USD + " through POST /v1/accounts/default/" + DevStack.ACCOUNT
        + "/topups, confirmed by a signed gateway webhook");
    topUp();
    Snapshot afterFirstTopUp = await("seedboxes Active after the top-up", s -> allSeedboxes(s, "Active")
        && "Active".equals(s.phaseOf("ba/" + DevStack.ACCOUNT)));

    table.say("3. running billing cycles forward, " + PERIOD.toDays() + " days per step, until the account runs dry");
    int periods = 0;
    Snapshot afterRunningDry = null;
    while (periods < MAX_PERIODS) {
      periods++;
      Instant now = stack.clock().jump(PERIOD);
      Optional<CycleReport> report = DevStackWiring.runBillingCycle(stack.billing());
      table.say("   period " + periods + ": clock now " + now + ", cycle " + report.map(Scenario::describe)
          .orElse("skipped (another run held the lock)"));
      long ledgerBalance = ledgerBalance();
      Snapshot s = await("account status shows the ledger's balance after period " + periods,
          snap -> snap.row("ba/" + DevStack.ACCOUNT).flatMap(Snapshot.Row::balanceCents)
              .map(b -> b == ledgerBalance).orElse(false));
      // The operator acts on the ledger's holds: wait until every seedbox shows what its ledger row says, so no
      // period is skipped over before the cluster has caught up with the last one.
      Snapshot settled = await("seedboxes follow the ledger's holds after period " + periods, this::followsHolds);
      if ("Suspended".equals(settled.phaseOf("ba/" + DevStack.ACCOUNT))) {
        // The policy pays what it can, oldest due first: a seedbox whose period it could still pay keeps running
        // until that period ends; the ones it could not pay are Suspended now. (Waiting for the rest would let the
        // first ones' grace period run out: they would be terminated, not resumed.)
        afterRunningDry = settled;
        break;
      }
    }
    if (afterRunningDry == null) {
      throw new StepFailedException("account Suspended within " + MAX_PERIODS + " periods", Duration.ZERO, snapshot());
    }

    table.say("4. a second top-up of $" + TOP_UP_USD + ": settles what is due and resumes the seedboxes");
    topUp();
    Snapshot afterSecondTopUp = await("seedboxes Active again after the second top-up",
        s -> allSeedboxes(s, "Active") && "Active".equals(s.phaseOf("ba/" + DevStack.ACCOUNT)));
    table.say("scenario complete: phases seen " + phasesSeen + ", account states " + accountStatesSeen);
    return new Result(phasesSeen, accountStatesSeen, periods, afterFirstTopUp, afterRunningDry, afterSecondTopUp);
  }

  /** The public key the sample ByosConnection asks the customer to authorise, once its status shows it. */
  private String awaitConnectionKey() {
    await("byos/" + BYOS_CONNECTION + " shows its onboarding command", s -> connectionKey() != null);
    return connectionKey();
  }

  private String connectionKey() {
    ByosConnection connection = stack.kubernetes().client().resources(ByosConnection.class)
        .inNamespace(EmbeddedKubernetes.NAMESPACE).withName(BYOS_CONNECTION).get();
    return connection == null || connection.getStatus() == null ? null : connection.getStatus().getPublicKey();
  }

  /** POST /v1/.../topups, then the payment is paid in the sandbox gateway, which sends the signed webhook. */
  void topUp() {
    topUps++;
    HttpRequest request = HttpRequest.newBuilder(
            stack.billingUrl("/v1/accounts/" + EmbeddedKubernetes.NAMESPACE + "/" + DevStack.ACCOUNT + "/topups"))
        .header("Authorization", "Bearer " + stack.apiToken())
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", "devstack-topup-" + topUps)
        .POST(HttpRequest.BodyPublishers.ofString("{\"amountUsd\":\"" + TOP_UP_USD + "\",\"blockchain\":\"BTC\"}"))
        .build();
    HttpResponse<String> created = send(request);
    if (created.statusCode() != 201) {
      throw new IllegalStateException("the top-up API answered " + created.statusCode() + ": " + created.body());
    }
    String gatewayPaymentId = field(created.body(), "gatewayPaymentId");
    table.say("   top-up " + field(created.body(), "paymentId") + " opened gateway payment " + gatewayPaymentId);
    // as a customer's wallet would, through the sandbox gateway, which then signs and sends payment.confirmed
    HttpResponse<String> paid = send(HttpRequest.newBuilder(stack.gateway().payUrl(gatewayPaymentId))
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    if (paid.statusCode() != 200) {
      throw new IllegalStateException("paying in the sandbox gateway answered " + paid.statusCode() + ": "
          + paid.body());
    }
    table.say("   paid in the sandbox gateway; its signed payment.confirmed webhook was accepted: " + paid.body());
  }

  private long ledgerBalance() {
    return stack.ledger().ledger().balance(accountUid());
  }

  /** The ledger keys the account on the BillingAccount's UID (the reconciler opens it with that UID). */
  private String accountUid() {
    return stack.kubernetes().client().resources(BillingAccount.class)
        .inNamespace(EmbeddedKubernetes.NAMESPACE).withName(DevStack.ACCOUNT).get().getMetadata().getUid();
  }

  /** Polls the resources, redrawing the table, until {@code done} holds; records every phase it sees. */
  Snapshot await(String step, Predicate<Snapshot> done) {
    long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
    Snapshot s = snapshot();
    while (!done.test(s)) {
      if (System.nanoTime() > deadline) {
        throw new StepFailedException(step, STEP_TIMEOUT, s);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for: " + step, e);
      }
      s = snapshot();
    }
    return s;
  }

  Snapshot snapshot() {
    Snapshot s = Snapshot.read(stack.kubernetes().client(), EmbeddedKubernetes.NAMESPACE);
    for (Snapshot.Row row : s.rows()) {
      if (!row.phase().isEmpty()) {
        phasesSeen.computeIfAbsent(row.resource(), r -> new LinkedHashSet<>()).add(row.phase());
      }
    }
    String state = s.phaseOf("ba/" + DevStack.ACCOUNT);
    if (!state.isEmpty() && (accountStatesSeen.isEmpty()
        || !accountStatesSeen.get(accountStatesSeen.size() - 1).equals(state))) {
      accountStatesSeen.add(state);
    }
    table.show(s, stack.clock().instant());
    return s;
  }

  /** Every seedbox the ledger holds is Suspended, every other one Active. */
  private boolean followsHolds(Snapshot s) {
    return stack.ledger().seedboxes().seedboxesOf(accountUid()).stream()
        .allMatch(row -> s.phaseOf("sb/" + row.name()).equals(row.billingHold() ? "Suspended" : "Active"));
  }

  private static boolean allSeedboxes(Snapshot s, String phase) {
    List<String> phases = s.phasesOf("sb/");
    return !phases.isEmpty() && phases.stream().allMatch(phase::equals);
  }

  private static String describe(CycleReport report) {
    return report.chargesPosted() + " charges (" + ProgressTable.usd(report.chargedCents()) + "), "
        + report.lowBalanceWarnings() + " low-balance warnings, " + report.accountsSuspended() + " suspensions";
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String field(String json, String name) {
    try {
      JsonNode node = JSON.readTree(json).path(name);
      if (node.isMissingNode() || node.isNull()) {
        throw new IllegalStateException("the answer has no " + name + ": " + json);
      }
      return node.asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

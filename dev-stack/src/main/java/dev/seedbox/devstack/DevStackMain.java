package dev.seedbox.devstack;

import dev.seedbox.devsupport.EmbeddedKubernetes;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar dev-stack/target/seedbox-dev-stack.jar [--scenario-only]}, run from the repository: starts the
 * dev stack, runs the scenario, then keeps everything running for kubectl until Ctrl-C. With
 * {@code --scenario-only} it exits after the scenario (status 0 when the scenario completed, 1 when it did not).
 * Logs go to {@code .devstack/dev-stack.log}; the terminal shows the steps and the live table.
 */
public final class DevStackMain {

  private DevStackMain() {
  }

  public static void main(String[] args) throws InterruptedException {
    List<String> arguments = List.of(args);
    if (arguments.contains("--help") || arguments.contains("-h")) {
      System.out.println("usage: java -jar dev-stack/target/seedbox-dev-stack.jar [--scenario-only]");
      return;
    }
    for (String argument : arguments) {
      if (!argument.equals("--scenario-only")) {
        System.err.println("unknown argument '" + argument + "'; expected --scenario-only or nothing");
        System.exit(2);
      }
    }
    boolean scenarioOnly = arguments.contains("--scenario-only");
    Path root = Checkout.find(Path.of(""));
    Path workDir = root.resolve(".devstack");
    // before the first logger exists: logback.xml reads the file name from this property
    System.setProperty("seedbox.devstack.log", workDir.resolve("dev-stack.log").toString());
    // by name: the billing-controller's test-jar (the sandbox gateway) carries a logback-test.xml that would win
    System.setProperty("logback.configurationFile", "devstack-logback.xml");
    Logger log = LoggerFactory.getLogger(DevStackMain.class);
    ProgressTable table = ProgressTable.forStdout();

    table.say("starting the dev stack: PostgreSQL, Kubernetes API, billing-controller, operator (logs: "
        + root.relativize(workDir) + "/dev-stack.log)");
    DevStack stack = DevStack.start(root, workDir);
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean stopping = new AtomicBoolean();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopping.set(true);
      System.out.println();
      System.out.println("stopping: operator, billing-controller, Kubernetes API, PostgreSQL");
      try {
        stack.close();
      } finally {
        stopped.countDown();
      }
    }, "devstack-shutdown"));

    Path kubeconfig = root.relativize(stack.kubeconfig());
    table.say("Kubernetes API   " + stack.kubernetes().url());
    table.say("  kubectl --kubeconfig " + kubeconfig + " get seedboxes");
    table.say("  kubectl --kubeconfig " + kubeconfig + " get sb,ba,byos");
    table.say("PostgreSQL       " + stack.database().jdbcUrl() + " (the operator connects as "
        + EmbeddedDatabase.OPERATOR_ROLE + ", the billing-controller as " + EmbeddedDatabase.BILLING_ROLE + ")");
    table.say("billing API      " + stack.billingUrl("/v1") + "  token " + stack.apiToken());
    table.say("  curl -H 'Authorization: Bearer " + stack.apiToken() + "' "
        + stack.billingUrl("/v1/accounts/" + EmbeddedKubernetes.NAMESPACE + "/" + DevStack.ACCOUNT));
    table.say("sandbox gateway  " + stack.gateway().baseUrl() + " (CoinPayPortal API; signs webhooks)");
    table.say("  open a top-up, then pay it (the gatewayPaymentId the top-up answered) as a wallet would:");
    table.say("  curl -H 'Authorization: Bearer " + stack.apiToken() + "' -H 'Content-Type: application/json' "
        + "-d '{\"amountUsd\":\"50\",\"blockchain\":\"BTC\"}' "
        + stack.billingUrl("/v1/accounts/" + EmbeddedKubernetes.NAMESPACE + "/" + DevStack.ACCOUNT + "/topups"));
    table.say("  curl -X POST " + stack.gateway().baseUrl() + "/sandbox/payments/<gatewayPaymentId>/pay");
    table.say("operator         " + stack.operatorUrl("/metrics") + ", /healthz, /readyz");
    table.say("");

    boolean completed;
    try {
      new Scenario(stack, table).run();
      completed = true;
    } catch (RuntimeException e) {
      if (stopping.get()) {
        // Ctrl-C during the scenario: the hook is stopping everything, nothing more to say
        stopped.await();
        return;
      }
      log.error("the scenario stopped", e);
      table.say("the scenario stopped: " + e.getMessage());
      completed = false;
    }

    if (scenarioOnly) {
      // the shutdown hook stops everything in order
      System.exit(completed ? 0 : 1);
    }
    table.say("");
    table.say("the dev stack keeps running; try: kubectl --kubeconfig " + kubeconfig + " get seedboxes"
        + "   (Ctrl-C stops everything)");
    while (!stopped.await(2, TimeUnit.SECONDS)) {
      // keep the table current while people poke at the resources with kubectl
      try {
        table.show(Snapshot.read(stack.kubernetes().client(), EmbeddedKubernetes.NAMESPACE), stack.clock().instant());
      } catch (RuntimeException e) {
        // the API is going away during Ctrl-C; the hook is already stopping everything
        return;
      }
    }
  }
}

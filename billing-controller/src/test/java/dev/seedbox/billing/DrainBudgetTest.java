package dev.seedbox.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Stopping ends within the configured drain budget even while the poll waits on a hanging gateway. */
class DrainBudgetTest {

  private static final Duration BUDGET = Duration.ofSeconds(12);

  @RegisterExtension
  static final RunningBillingController billing = new RunningBillingController(4)
      .env("SEEDBOX_GATEWAY_TIMEOUT", "PT10S").env("SEEDBOX_DRAIN_BUDGET", "PT12S")
      .env("SEEDBOX_PAYMENT_POLL_AFTER", "PT0.2S").env("SEEDBOX_PAYMENT_POLL_INTERVAL", "PT0.5S");

  @Test
  void aPollWaitingOnTheGatewayDoesNotHoldTheStopPastTheBudget() throws InterruptedException {
    billing.openedTopUp("alice", "drain", "10.00");
    Thread.sleep(300);
    // the gateway now hangs for most of its timeout on every call; the scheduled poll runs into it
    billing.gateway.delay(Duration.ofSeconds(9));
    int asked = billing.gateway.asked().size();
    await().atMost(Duration.ofSeconds(10)).until(() -> billing.gateway.asked().size() > asked);

    long started = System.nanoTime();
    billing.app.stop(billing.app.drainBudget());
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    assertThat(billing.app.drainBudget()).isEqualTo(BUDGET);
    assertThat(tookMillis).isLessThan(BUDGET.toMillis());
    // the poll was cut short rather than waited for: well under the gateway's 9 s
    assertThat(tookMillis).isLessThan(5_000);
  }
}

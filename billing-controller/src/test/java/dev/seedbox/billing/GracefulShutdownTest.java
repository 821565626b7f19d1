package dev.seedbox.billing;

import static dev.seedbox.billing.RunningBillingController.ACCOUNT_UID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seedbox.billing.webhook.WebhookEvent;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GracefulShutdownTest {

  @RegisterExtension
  static final RunningBillingController billing = new RunningBillingController(4);

  @Test
  void aCreditInFlightFinishesWhileNewRequestsAreRefused() throws Exception {
    String paid = billing.openedTopUp("alice", "inflight", "10.00");
    // Own threads: the common pool has a single thread on two cores and would queue the stop behind the request.
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try (Connection holder = billing.db.superuser().getConnection(); Statement sql = holder.createStatement()) {
      // hold the account row: the credit waits on it inside its transaction, a request truly in flight
      holder.setAutoCommit(false);
      sql.execute("SELECT 1 FROM seedbox_billing_accounts WHERE uid = '" + ACCOUNT_UID + "' FOR UPDATE");
      CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(
          () -> billing.gateway.webhook(WebhookEvent.CONFIRMED, paid).sendTo(billing.webhookUrl()), threads);
      awaitInFlight(billing);

      CompletableFuture<Void> stopping =
          CompletableFuture.runAsync(() -> billing.app.server().stop(Duration.ofSeconds(20)), threads);
      // Stopping waits for the held request: refused newcomers prove draining has begun.
      HttpResponse<String> newcomer = awaitRefusal(billing);
      assertThat(newcomer.statusCode()).isEqualTo(503);
      assertThat(stopping).isNotDone();

      holder.commit();
      HttpResponse<String> finished = inFlight.get(10, TimeUnit.SECONDS);
      assertThat(finished.statusCode()).isEqualTo(200);
      assertThat(finished.body()).contains("credited");
      stopping.get(10, TimeUnit.SECONDS);
      // refused, or reset by the closing socket: either way no answer comes from a stopped server
      assertThatThrownBy(() -> billing.send(HttpRequest.newBuilder(billing.url("/healthz"))))
          .hasCauseInstanceOf(java.io.IOException.class);
      assertThat(billing.app.server().inFlight()).isZero();
      assertThat(billing.balance(ACCOUNT_UID)).isEqualTo(1000);
    } finally {
      threads.shutdownNow();
      billing.close();
    }
  }

  private static void awaitInFlight(RunningBillingController billing) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (billing.app.server().inFlight() == 0 && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    assertThat(billing.app.server().inFlight()).isPositive();
  }

  private static HttpResponse<String> awaitRefusal(RunningBillingController billing) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    HttpResponse<String> response;
    do {
      response = billing.send(HttpRequest.newBuilder(billing.url("/healthz")));
      if (response.statusCode() == 503) {
        return response;
      }
      Thread.sleep(10);
    } while (System.nanoTime() < until);
    return response;
  }
}

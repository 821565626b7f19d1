package dev.seedbox.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seedbox.billing.webhook.WebhookEvent;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GracefulShutdownTest {

  @Test
  void aRequestInFlightFinishesWhileNewOnesAreRefused() throws Exception {
    RunningBillingController billing = new RunningBillingController();
    CountDownLatch release = new CountDownLatch(1);
    billing.events.holdUntil(release);
    // Own threads: the common pool has a single thread on two cores and would queue the stop behind the request.
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(
          () -> billing.gateway.webhook(WebhookEvent.CONFIRMED, "pay_inflight").sendTo(billing.webhookUrl()), threads);
      assertThat(billing.events.awaitEntered(10)).isTrue();

      CompletableFuture<Void> stopping =
          CompletableFuture.runAsync(() -> billing.app.server().stop(Duration.ofSeconds(20)), threads);
      // Stopping waits for the held request: refused newcomers prove draining has begun.
      HttpResponse<String> newcomer = awaitRefusal(billing);
      assertThat(newcomer.statusCode()).isEqualTo(503);
      assertThat(stopping).isNotDone();

      release.countDown();
      HttpResponse<String> finished = inFlight.get(10, TimeUnit.SECONDS);
      assertThat(finished.statusCode()).isEqualTo(200);
      stopping.get(10, TimeUnit.SECONDS);
      assertThatThrownBy(() -> billing.send(HttpRequest.newBuilder(billing.url("/healthz"))))
          .hasCauseInstanceOf(java.net.ConnectException.class);
      assertThat(billing.app.server().inFlight()).isZero();
    } finally {
      release.countDown();
      threads.shutdownNow();
      billing.close();
    }
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

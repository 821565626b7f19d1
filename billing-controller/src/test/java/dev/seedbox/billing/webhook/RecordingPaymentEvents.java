package dev.seedbox.billing.webhook;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Test double of the processing seam: records what reached it and answers with a chosen outcome. It lets the HTTP
 * tests prove that a rejected request never got this far.
 */
public final class RecordingPaymentEvents implements PaymentEvents {

  private final List<WebhookEvent> received = new CopyOnWriteArrayList<>();
  private volatile Function<WebhookEvent, PaymentEventOutcome> answer =
      event -> new PaymentEventOutcome.Recorded(event.gatewayPaymentId(), event.type());
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private final CountDownLatch entered = new CountDownLatch(1);

  @Override
  public PaymentEventOutcome handle(WebhookEvent event) {
    received.add(event);
    entered.countDown();
    try {
      if (!gate.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never opened the gate");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return answer.apply(event);
  }

  public RecordingPaymentEvents answering(Function<WebhookEvent, PaymentEventOutcome> outcome) {
    this.answer = outcome;
    return this;
  }

  /** Calls block until {@code gate} opens: lets a test hold a request in flight. */
  public RecordingPaymentEvents holdUntil(CountDownLatch latch) {
    this.gate = latch;
    return this;
  }

  public boolean awaitEntered(long seconds) throws InterruptedException {
    return entered.await(seconds, TimeUnit.SECONDS);
  }

  public List<WebhookEvent> received() {
    return List.copyOf(received);
  }
}

package dev.seedbox.billing;

import static dev.seedbox.billing.JsonAnswers.error;
import static dev.seedbox.billing.JsonAnswers.json;

import dev.seedbox.billing.gateway.PaymentGateway;
import dev.seedbox.billing.webhook.RawWebhook;
import dev.seedbox.billing.webhook.RecentDeliveries;
import dev.seedbox.billing.webhook.WebhookEvent;
import dev.seedbox.billing.webhook.WebhookIntake;
import dev.seedbox.billing.webhook.WebhookVerdict;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /webhooks/{gateway}}: the named gateway verifies the raw delivery, a recent repeat of the same
 * delivery is answered at once, and the notice goes to the intake, whose commit the answer waits for.
 */
final class WebhookRoute {

  static final String METRIC = "seedbox.billing.webhooks";
  private static final Logger LOG = LoggerFactory.getLogger(WebhookRoute.class);
  private static final int RECENT_DELIVERIES = 10_000;

  private final Vertx vertx;
  private final Map<String, PaymentGateway> gateways = new HashMap<>();
  private final WebhookIntake intake;
  private final MeterRegistry metrics;
  private final RecentDeliveries recent = new RecentDeliveries(RECENT_DELIVERIES);

  WebhookRoute(Vertx vertx, List<PaymentGateway> gateways, WebhookIntake intake, MeterRegistry metrics) {
    this.vertx = vertx;
    gateways.forEach(g -> this.gateways.put(g.name(), g));
    this.intake = intake;
    this.metrics = metrics;
  }

  void handle(RoutingContext ctx) {
    PaymentGateway gateway = gateways.get(ctx.pathParam("gateway"));
    if (gateway == null) {
      error(ctx, 404, "no payment gateway named '" + clip(ctx.pathParam("gateway")) + "'");
      return;
    }
    Buffer body = ctx.body().buffer();
    Map<String, String> headers = new HashMap<>();
    ctx.request().headers().forEach(h -> headers.putIfAbsent(h.getKey().toLowerCase(java.util.Locale.ROOT),
        h.getValue()));
    WebhookVerdict verdict = gateway.verify(new RawWebhook(headers, body == null ? new byte[0] : body.getBytes()));
    if (verdict instanceof WebhookVerdict.Refused refused) {
      rejected(gateway.name(), refused.reason());
      error(ctx, refused.status(), refused.message());
      return;
    }
    WebhookVerdict.Accepted accepted = (WebhookVerdict.Accepted) verdict;
    WebhookEvent event = accepted.notice();
    WebhookVerdict.Delivery delivery = accepted.delivery();
    if (!delivery.event().isEmpty() && !delivery.event().equals(event.type())) {
      // the signed body decides; an unsigned header that disagrees is worth an operator's look, not a refusal
      metrics.counter(METRIC + ".header.mismatch", "gateway", gateway.name()).increment();
      LOG.warn("webhook {} delivery {}: event header says {}, the signed body {}; going by the body", event.id(),
          delivery.id(), delivery.event(), event.type());
    }
    if (recent.answeredBefore(gateway.name(), delivery, event)) {
      metrics.counter(METRIC, "result", "accepted", "outcome", "repeated_delivery").increment();
      LOG.debug("webhook {} delivery {} answered before", event.id(), delivery.id());
      json(ctx, 200, new JsonObject().put("outcome", "already_processed"));
      return;
    }
    Context context = vertx.getOrCreateContext();
    intake.submit(event).whenComplete((outcome, failure) -> context.runOnContext(v -> {
      if (failure == null) {
        recent.answered(gateway.name(), delivery, event);
        metrics.counter(METRIC, "result", "accepted", "outcome", outcome.tag()).increment();
        // DEBUG: one INFO line per webhook was a measurable share of the credit path; metrics count outcomes
        LOG.debug("webhook {} delivery {} {} for gateway payment {}: {}", event.id(), delivery.id(), event.type(),
            event.gatewayPaymentId(), outcome.tag());
        json(ctx, 200, new JsonObject().put("outcome", outcome.tag()));
      } else if (unwrap(failure) instanceof RejectedExecutionException busy) {
        metrics.counter(METRIC, "result", "failed", "outcome", "busy").increment();
        LOG.warn("webhook {} delivery {} {} for gateway payment {} refused: {}; the gateway will resend", event.id(),
            delivery.id(), event.type(), event.gatewayPaymentId(), busy.getMessage());
        ctx.response().putHeader("Retry-After", "5");
        error(ctx, 503, "busy; retry later");
      } else {
        metrics.counter(METRIC, "result", "failed", "outcome", "error").increment();
        LOG.error("webhook {} delivery {} {} for gateway payment {} failed; the gateway will resend", event.id(),
            delivery.id(), event.type(), event.gatewayPaymentId(), unwrap(failure));
        error(ctx, 500, "not processed; retry later");
      }
    }));
  }

  void rejected(String gateway, String reason) {
    metrics.counter(METRIC, "result", "rejected", "outcome", reason).increment();
    LOG.warn("webhook for {} rejected: {}", gateway, reason);
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }

  private static String clip(String value) {
    String safe = value.replaceAll("[^A-Za-z0-9._-]", "?");
    return safe.length() > 40 ? safe.substring(0, 40) + "..." : safe;
  }
}

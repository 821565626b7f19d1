package dev.seedbox.runtime;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * {@code /healthz} (the process answers), {@code /readyz} (every named readiness check passes) and {@code /metrics}
 * (Prometheus text format). Checks may block (a database ping), so they run off the event loop.
 */
public final class HealthEndpoints {

  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final Map<String, BooleanSupplier> readinessChecks = new ConcurrentHashMap<>();

  public HealthEndpoints(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  /** Adds a readiness check; the service is ready when all checks pass. */
  public HealthEndpoints readyWhen(String name, BooleanSupplier check) {
    readinessChecks.put(name, check);
    return this;
  }

  public void mount(Router router) {
    router.get("/healthz").handler(ctx -> ctx.response().putHeader("content-type", "text/plain").end("ok\n"));
    router.get("/readyz").handler(this::readiness);
    router.get("/metrics").handler(ctx -> ctx.vertx()
        .executeBlocking((Callable<String>) registry::scrape, false)
        .onSuccess(text -> ctx.response().putHeader("content-type", PROMETHEUS_TEXT).end(text))
        .onFailure(ctx::fail));
  }

  private void readiness(RoutingContext ctx) {
    ctx.vertx().executeBlocking((Callable<Map<String, Boolean>>) this::evaluate, false).onSuccess(results -> {
      boolean ready = results.values().stream().allMatch(Boolean::booleanValue);
      JsonObject body = new JsonObject().put("status", ready ? "ready" : "not ready");
      JsonObject checks = new JsonObject();
      results.forEach(checks::put);
      ctx.response()
          .setStatusCode(ready ? 200 : 503)
          .putHeader("content-type", "application/json")
          .end(body.put("checks", checks).encode());
    }).onFailure(ctx::fail);
  }

  private Map<String, Boolean> evaluate() {
    Map<String, Boolean> results = new LinkedHashMap<>();
    readinessChecks.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(check -> {
      boolean passed;
      try {
        passed = check.getValue().getAsBoolean();
      } catch (RuntimeException e) {
        passed = false;
      }
      results.put(check.getKey(), passed);
    });
    return results;
  }
}

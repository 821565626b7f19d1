package dev.seedbox.operator.metrics;

import dev.seedbox.api.lifecycle.Phase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Our own meters, next to the ones JOSDK's {@code MicrometerMetrics} records. Tag values come from closed sets
 * (phases, provider kinds, operation names, outcomes, resource kinds), never from resource names, so the number of
 * series stays bounded however many seedboxes exist.
 */
public final class OperatorMetrics {

  /** How a provider call ended. */
  public enum Outcome {
    SUCCESS("success"),
    RETRYABLE_ERROR("retryable_error"),
    PERMANENT_ERROR("permanent_error"),
    /** The provider refused our token (401/403): the operator's configuration. */
    UNAUTHORIZED("unauthorized");

    private final String tag;

    Outcome(String tag) {
      this.tag = tag;
    }

    public String tag() {
      return tag;
    }
  }

  private final MeterRegistry registry;

  public OperatorMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** One accepted lifecycle transition; exported as {@code seedbox_transitions_total{from,to}}. */
  public void transition(Phase from, Phase to) {
    Counter.builder("seedbox.transitions")
        .description("Accepted seedbox lifecycle transitions")
        .tag("from", from.wireName())
        .tag("to", to.wireName())
        .register(registry)
        .increment();
  }

  /**
   * One call to a provider: {@code seedbox_provider_calls_seconds{provider,operation,outcome}}; failures also count
   * in {@code seedbox_provider_errors_total}.
   */
  public void providerCall(String provider, String operation, Outcome outcome, Duration took) {
    Timer.builder("seedbox.provider.calls")
        .description("Provider API calls")
        .tag("provider", provider)
        .tag("operation", operation)
        .tag("outcome", outcome.tag())
        .register(registry)
        .record(took);
    if (outcome != Outcome.SUCCESS) {
      Counter.builder("seedbox.provider.errors")
          .description("Provider API calls that failed")
          .tag("provider", provider)
          .tag("operation", operation)
          .tag("outcome", outcome.tag())
          .register(registry)
          .increment();
    }
  }

  /** A server the orphan sweep terminated: {@code seedbox_orphans_terminated_total{provider}}. */
  public void orphanTerminated(String provider) {
    Counter.builder("seedbox.orphans.terminated")
        .description("Servers carrying our tag whose Seedbox no longer exists, terminated by the orphan sweep")
        .tag("provider", provider)
        .register(registry)
        .increment();
  }

  /** A resource whose spec can never work as written: {@code seedbox_invalid_resources_total{kind}}, once a rejection. */
  public void invalidResource(String kind) {
    Counter.builder("seedbox.invalid.resources")
        .description("Resources refused with InvalidSpec, counted once each time a spec is found invalid")
        .tag("kind", kind)
        .register(registry)
        .increment();
  }

  /** Times one reconcile of a resource kind: {@code seedbox_reconcile_seconds{kind}}. */
  public <T> T timeReconcile(String kind, Supplier<T> reconcile) {
    Timer timer = Timer.builder("seedbox.reconcile")
        .description("Time spent in one reconcile, by resource kind")
        .tag("kind", kind)
        .register(registry);
    return timer.record(reconcile);
  }
}

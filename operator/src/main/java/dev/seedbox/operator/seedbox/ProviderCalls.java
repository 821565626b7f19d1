package dev.seedbox.operator.seedbox;

import dev.seedbox.operator.metrics.OperatorMetrics;
import dev.seedbox.operator.metrics.OperatorMetrics.Outcome;
import dev.seedbox.operator.seedbox.SeedboxObservation.ProviderFailure;
import dev.seedbox.provisioning.PermanentProviderException;
import dev.seedbox.provisioning.ProviderException;
import dev.seedbox.provisioning.ProviderUnauthorizedException;
import dev.seedbox.provisioning.ProvisioningProvider;
import dev.seedbox.provisioning.RetryableProviderException;
import java.time.Duration;
import java.util.function.Function;

/** Every provider call the operator makes, timed and counted by provider, operation and outcome. */
final class ProviderCalls {

  private final OperatorMetrics metrics;

  ProviderCalls(OperatorMetrics metrics) {
    this.metrics = metrics;
  }

  <T> T call(ProvisioningProvider provider, String operation, Function<ProvisioningProvider, T> work) {
    long start = System.nanoTime();
    Outcome outcome = Outcome.SUCCESS;
    try {
      return work.apply(provider);
    } catch (RetryableProviderException e) {
      outcome = Outcome.RETRYABLE_ERROR;
      throw e;
    } catch (PermanentProviderException e) {
      outcome = Outcome.PERMANENT_ERROR;
      throw e;
    } catch (ProviderUnauthorizedException e) {
      outcome = Outcome.UNAUTHORIZED;
      throw e;
    } finally {
      metrics.providerCall(provider.kind().wireName(), operation, outcome, Duration.ofNanos(System.nanoTime() - start));
    }
  }

  void run(ProvisioningProvider provider, String operation, java.util.function.Consumer<ProvisioningProvider> work) {
    call(provider, operation, p -> {
      work.accept(p);
      return null;
    });
  }

  /**
   * The failure as the decider sees it; permanent failures keep the provider's own message. A refused token is the
   * operator's configuration, never the customer's: it is retried with back-off and never fails or refunds an order.
   */
  static ProviderFailure failure(ProviderException e) {
    if (e instanceof RetryableProviderException retryable) {
      return new ProviderFailure(true, retryable.retryAfter().orElse(null), e.getMessage());
    }
    if (e instanceof ProviderUnauthorizedException) {
      return new ProviderFailure(true, null, e.getMessage(), SeedboxDecider.Reasons.PROVIDER_UNAUTHORIZED);
    }
    return new ProviderFailure(false, null, e.getMessage());
  }
}

package dev.seedbox.provisioning.contract;

import dev.seedbox.provisioning.RetryPolicy;
import dev.seedbox.provisioning.Sleeper;
import dev.seedbox.provisioning.http.CloudTuning;
import java.time.Clock;
import java.time.Duration;

/** Timing for HTTP providers against the fakes: real timeouts, recorded waits. */
public final class CloudTestTuning {

  private CloudTestTuning() {}

  public static CloudTuning with(RetryPolicy retry, Sleeper sleeper) {
    return new CloudTuning(Duration.ofSeconds(5), retry, Duration.ofSeconds(10), Duration.ofSeconds(10),
        Duration.ofMillis(200), 4, Duration.ofMinutes(10), sleeper, Clock.systemUTC());
  }
}

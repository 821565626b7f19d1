package dev.seedbox.provisioning.contract;

import dev.seedbox.provisioning.Sleeper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every wait and spends at most a few milliseconds of it, so fake actions still progress in real time. */
public final class RecordingSleeper implements Sleeper {

  private final List<Duration> waits = new CopyOnWriteArrayList<>();

  @Override
  public void sleep(Duration duration) throws InterruptedException {
    if (duration.isZero() || duration.isNegative()) {
      return;
    }
    waits.add(duration);
    Thread.sleep(Math.min(duration.toMillis(), 5));
  }

  public List<Duration> waits() {
    return List.copyOf(waits);
  }

  public void clear() {
    waits.clear();
  }
}

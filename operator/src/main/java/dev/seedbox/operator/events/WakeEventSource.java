package dev.seedbox.operator.events;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Reconciles the primaries a key maps to when something outside Kubernetes says so: a ledger notification naming an
 * account ({@code LedgerChangeEventSource}), a web UI password hash that is ready (keyed by Seedbox UID). It has no
 * secondary resources of its own.
 */
public class WakeEventSource<P extends HasMetadata> extends AbstractEventSource<String, P> {

  private final Function<String, Set<ResourceID>> primaries;

  public WakeEventSource(String name, Function<String, Set<ResourceID>> primaries) {
    super(String.class, name);
    this.primaries = Objects.requireNonNull(primaries, "primaries");
  }

  /** Reconciles every primary {@code key} maps to; nothing before the source started or after it stopped. */
  public void wake(String key) {
    if (!isRunning()) {
      return;
    }
    for (ResourceID id : primaries.apply(key)) {
      getEventHandler().handleEvent(new Event(id));
    }
  }

  @Override
  public Set<String> getSecondaryResources(P primary) {
    return Set.of();
  }
}

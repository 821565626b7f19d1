package dev.seedbox.operator.seedbox;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.util.Set;
import java.util.function.Function;

/** Reconciles the primaries a key maps to, when something outside Kubernetes says so (e.g. a hash is ready). */
final class WakeEventSource<P extends HasMetadata> extends AbstractEventSource<String, P> {

  private final Function<String, Set<ResourceID>> primaries;

  WakeEventSource(String name, Function<String, Set<ResourceID>> primaries) {
    super(String.class, name);
    this.primaries = primaries;
  }

  void wake(String key) {
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

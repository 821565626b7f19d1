package dev.seedbox.operator.reconcile;

import dev.seedbox.api.status.ResourceStatus;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.function.Supplier;

/**
 * Tells whether a status changed in place during one reconcile, so that a level-based reconcile that recomputes the
 * same answer writes nothing (and wakes no watcher); {@link StatusPatch} writes it when it did change.
 *
 * <p>Usage: {@code Snapshot s = recorder.snapshot(resource); ... mutate s.status() ...;
 * if (s.changed()) StatusPatch.write(client, resource);}
 */
public final class StatusRecorder<P extends CustomResource<?, S>, S extends ResourceStatus> {

  private final Supplier<S> emptyStatus;

  public StatusRecorder(Supplier<S> emptyStatus) {
    this.emptyStatus = emptyStatus;
  }

  /** The resource's status, created when absent, with its current serialized form kept for comparison. */
  public Snapshot<P, S> snapshot(P resource) {
    S status = resource.getStatus();
    String before = status == null ? null : Serialization.asJson(status);
    if (status == null) {
      status = emptyStatus.get();
      resource.setStatus(status);
    }
    return new Snapshot<>(status, before);
  }

  /** A status being edited during one reconcile. */
  public static final class Snapshot<P extends CustomResource<?, S>, S extends ResourceStatus> {
    private final S status;
    private final String before;

    private Snapshot(S status, String before) {
      this.status = status;
      this.before = before;
    }

    public S status() {
      return status;
    }

    public boolean changed() {
      return before == null || !before.equals(Serialization.asJson(status));
    }
  }
}

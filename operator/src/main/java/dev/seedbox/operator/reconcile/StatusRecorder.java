package dev.seedbox.operator.reconcile;

import dev.seedbox.api.status.ResourceStatus;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.util.function.Supplier;

/**
 * Turns a status changed in place into the reconcile's answer: a status patch when something visible changed,
 * nothing otherwise, so a level-based reconcile that recomputes the same answer does not wake every watcher.
 *
 * <p>Usage: {@code Snapshot s = recorder.snapshot(resource); ... mutate s.status() ...; return s.result();}
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
    return new Snapshot<>(resource, status, before);
  }

  /** A status being edited during one reconcile. */
  public static final class Snapshot<P extends CustomResource<?, S>, S extends ResourceStatus> {
    private final P resource;
    private final S status;
    private final String before;

    private Snapshot(P resource, S status, String before) {
      this.resource = resource;
      this.status = status;
      this.before = before;
    }

    public S status() {
      return status;
    }

    public boolean changed() {
      return before == null || !before.equals(Serialization.asJson(status));
    }

    /** Patch the status if it changed, otherwise no update. */
    public UpdateControl<P> result() {
      return changed() ? UpdateControl.patchStatus(resource) : UpdateControl.noUpdate();
    }
  }
}

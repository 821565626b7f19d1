package dev.seedbox.operator.reconcile;

import dev.seedbox.api.status.ResourceStatus;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns a kind's status writes: change detection (a level-based pass that recomputes the same answer writes nothing
 * and wakes no watcher), the patch ({@link StatusPatch}) and reading our own writes back. A failed write is logged
 * and reported to the caller, never thrown: the status is recomputed on the next pass.
 */
public final class StatusRecorder<P extends CustomResource<?, S>, S extends ResourceStatus> {

  private static final Logger LOG = LoggerFactory.getLogger(StatusRecorder.class);

  private final KubernetesClient client;
  private final Supplier<S> emptyStatus;
  private final Map<String, P> lastWritten = new ConcurrentHashMap<>();

  public StatusRecorder(KubernetesClient client, Supplier<S> emptyStatus) {
    this.client = client;
    this.emptyStatus = emptyStatus;
  }

  /**
   * The resource to reconcile: the informer's copy, unless our own last status write is newer than it. Without
   * this, a pass that starts right after a write (a NOTIFY, a reschedule) would rebuild the status from the copy
   * from before the write and undo it.
   */
  public P freshest(P cached) {
    String uid = cached.getMetadata().getUid();
    P written = uid == null ? null : lastWritten.get(uid);
    if (written == null) {
      return cached;
    }
    try {
      long cachedVersion = Long.parseLong(cached.getMetadata().getResourceVersion());
      long writtenVersion = Long.parseLong(written.getMetadata().getResourceVersion());
      if (writtenVersion > cachedVersion) {
        return Serialization.clone(written);
      }
    } catch (NumberFormatException e) {
      // resource versions are opaque in principle; then the informer's copy is all we can go by
    }
    lastWritten.remove(uid, written);
    return cached;
  }

  /** The resource's status, created when absent, with its current serialized form kept for comparison. */
  public Snapshot<S> snapshot(P resource) {
    S status = resource.getStatus();
    String before = status == null ? null : Serialization.asJson(status);
    if (status == null) {
      status = emptyStatus.get();
      resource.setStatus(status);
    }
    return new Snapshot<>(status, before);
  }

  /**
   * Writes the status when it changed since {@link #snapshot}.
   *
   * @return false when the write failed (the caller looks again soon)
   */
  public boolean record(P resource, Snapshot<S> snapshot) {
    if (!snapshot.changed()) {
      return true;
    }
    try {
      P written = StatusPatch.write(client, resource);
      if (written != null && written.getMetadata().getUid() != null) {
        lastWritten.put(written.getMetadata().getUid(), written);
      }
      return true;
    } catch (KubernetesClientException e) {
      LOG.warn("{} {}/{}: could not write the status: {}", resource.getKind(), resource.getMetadata().getNamespace(),
          resource.getMetadata().getName(), e.getMessage());
      return false;
    }
  }

  /** Drops what was kept for a resource that is gone. */
  public void forget(P resource) {
    String uid = resource.getMetadata().getUid();
    if (uid != null) {
      lastWritten.remove(uid);
    }
  }

  /** A status being edited during one pass. */
  public static final class Snapshot<S extends ResourceStatus> {
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

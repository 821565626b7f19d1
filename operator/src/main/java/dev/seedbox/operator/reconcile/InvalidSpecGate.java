package dev.seedbox.operator.reconcile;

import dev.seedbox.api.decode.TolerantResource;
import dev.seedbox.api.decode.UndecodableField;
import dev.seedbox.api.status.ConditionStatus;
import dev.seedbox.api.status.ResourceStatus;
import dev.seedbox.operator.metrics.OperatorMetrics;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every reconciler does with a stored resource its classes cannot read (see {@link TolerantResource}): it is
 * left alone, and told so once. A spec that does not decode gets {@code Ready=False} with reason
 * {@value #REASON} naming the field, the value and what was expected; a status that does not decode cannot be
 * written to, so it gets only the Event. Either way one Event, one log line and one count in
 * {@code seedbox_invalid_resources_total}, not once per pass: the condition (or, for a status, the last report
 * kept here) says it was told already.
 */
public final class InvalidSpecGate {

  public static final String REASON = "InvalidSpec";
  public static final String REASON_UNREADABLE_STATUS = "UnreadableStatus";
  static final String READY = "Ready";
  private static final int REMEMBERED = 4096;

  private static final Logger LOG = LoggerFactory.getLogger(InvalidSpecGate.class);

  private final EventRecorder events;
  private final OperatorMetrics metrics;
  private final Clock clock;
  /** UID to the last report about an unreadable status, which has no condition to remember it by. */
  private final Map<String, String> reportedStatuses = Collections.synchronizedMap(
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > REMEMBERED;
        }
      });

  public InvalidSpecGate(EventRecorder events, OperatorMetrics metrics, Clock clock) {
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** The field that makes this resource unreadable; empty for a resource the reconciler can work with. */
  public static Optional<UndecodableField> problemOf(HasMetadata resource) {
    return resource instanceof TolerantResource<?, ?> tolerant ? tolerant.undecodable() : Optional.empty();
  }

  /** Whether the stored status decoded (or there is none), so a status written now replaces nothing unread. */
  public static boolean statusReadable(HasMetadata resource) {
    return !(resource instanceof TolerantResource<?, ?> tolerant) || tolerant.statusDecoded();
  }

  /**
   * Reports the problem on the resource: the condition on {@code status} (null when the status itself does not
   * decode) and, when that is news, the Event, the log line and the count.
   *
   * @param deleting the resource is being deleted: its finalizer stays until it can be read again
   */
  public void report(HasMetadata resource, ResourceStatus status, UndecodableField problem, boolean deleting) {
    String message = problem.message() + "; the operator leaves this " + resource.getKind() + " alone until "
        + (problem.inSpec() ? "the spec is fixed" : "the status is fixed or removed")
        + (deleting ? ", and its deletion waits for that" : "");
    Long generation = resource.getMetadata().getGeneration();
    boolean news;
    if (status != null) {
      news = status.setCondition(READY, ConditionStatus.FALSE, REASON, message, generation, clock.instant());
      status.setObservedGeneration(generation);
    } else {
      String uid = String.valueOf(resource.getMetadata().getUid());
      news = !message.equals(reportedStatuses.put(uid, message));
    }
    if (!news) {
      return;
    }
    LOG.warn("{} {}/{}: {}", resource.getKind(), resource.getMetadata().getNamespace(),
        resource.getMetadata().getName(), message);
    events.warning(resource, problem.inSpec() ? REASON : REASON_UNREADABLE_STATUS, message);
    metrics.invalidResource(resource.getKind());
  }
}

package dev.seedbox.operator.reconcile;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Kubernetes Events (core v1) about our resources, so {@code kubectl describe} tells the story. An Event is
 * a courtesy: failing to write one is logged and never fails a reconcile. Messages must not carry secrets.
 */
public final class EventRecorder {

  /** The two event types Kubernetes knows. */
  public enum Type {
    NORMAL("Normal"),
    WARNING("Warning");

    private final String wireName;

    Type(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }
  }

  public static final String COMPONENT = "seedbox-operator";
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final int MAX_MESSAGE = 1024;

  private final KubernetesClient client;
  private final Clock clock;

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void normal(HasMetadata involved, String reason, String message) {
    record(involved, Type.NORMAL, reason, message);
  }

  public void warning(HasMetadata involved, String reason, String message) {
    record(involved, Type.WARNING, reason, message);
  }

  public void record(HasMetadata involved, Type type, String reason, String message) {
    String namespace = involved.getMetadata().getNamespace();
    String name = involved.getMetadata().getName();
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    String text = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message;
    Event event = new EventBuilder()
        .withNewMetadata()
          .withNamespace(namespace)
          .withName(eventName(name))
        .endMetadata()
        .withNewInvolvedObject()
          .withApiVersion(involved.getApiVersion())
          .withKind(involved.getKind())
          .withNamespace(namespace)
          .withName(name)
          .withUid(involved.getMetadata().getUid())
          .withResourceVersion(involved.getMetadata().getResourceVersion())
        .endInvolvedObject()
        .withType(type.wireName())
        .withReason(reason)
        .withMessage(text)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(COMPONENT)
        .build();
    try {
      client.v1().events().inNamespace(namespace).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.warn("{}/{} {}: could not record event {}: {}", namespace, name, involved.getKind(), reason,
          e.getMessage());
    }
  }

  /** Like kubectl's events: the object's name and a unique suffix, kept under the 253-character limit. */
  private static String eventName(String involvedName) {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    String base = involvedName.length() > 200 ? involvedName.substring(0, 200) : involvedName;
    return base + "." + suffix;
  }
}

package dev.seedbox.operator.reconcile;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Kubernetes Events (core v1) about our resources, so {@code kubectl describe} tells the story. An Event is
 * a courtesy: failing to write one is logged and never fails a reconcile. Messages must not carry secrets.
 *
 * <p>Like kubectl's recorder, an Event that repeats one already written (same object, type, reason and message)
 * bumps that Event's {@code count} and {@code lastTimestamp} instead of adding another; the recorder remembers the
 * most recent {@value #REMEMBERED} distinct Events.
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
  static final int REMEMBERED = 4096;

  private final KubernetesClient client;
  private final Clock clock;
  private final Map<Key, Written> written = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, Written> eldest) {
      return size() > REMEMBERED;
    }
  });

  /** What makes two Events the same one. */
  private record Key(String namespace, String uid, String name, String type, String reason, String message) {
  }

  /** An Event written before: its name, and how often it happened so far. */
  private record Written(String name, int count) {
  }

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
    Key key = new Key(namespace, involved.getMetadata().getUid(), name, type.wireName(), reason, text);
    try {
      Written before = written.get(key);
      if (before != null && bump(namespace, before, now)) {
        written.put(key, new Written(before.name(), before.count() + 1));
        return;
      }
      Event event = newEvent(involved, type, reason, text, now);
      client.v1().events().inNamespace(namespace).resource(event).create();
      written.put(key, new Written(event.getMetadata().getName(), 1));
    } catch (KubernetesClientException e) {
      LOG.warn("{}/{} {}: could not record event {}: {}", namespace, name, involved.getKind(), reason,
          e.getMessage());
    }
  }

  /** Counts one more occurrence on the Event written before; false when that Event is gone (expired, deleted). */
  private boolean bump(String namespace, Written before, String now) {
    String patch = "{\"count\":" + (before.count() + 1) + ",\"lastTimestamp\":\"" + now + "\"}";
    try {
      client.v1().events().inNamespace(namespace).withName(before.name())
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  private static Event newEvent(HasMetadata involved, Type type, String reason, String text, String now) {
    String namespace = involved.getMetadata().getNamespace();
    String name = involved.getMetadata().getName();
    return new EventBuilder()
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
  }

  /** Like kubectl's events: the object's name and a unique suffix, kept under the 253-character limit. */
  private static String eventName(String involvedName) {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    String base = involvedName.length() > 200 ? involvedName.substring(0, 200) : involvedName;
    return base + "." + suffix;
  }
}

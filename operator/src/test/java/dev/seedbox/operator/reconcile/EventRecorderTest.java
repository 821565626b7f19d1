package dev.seedbox.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.ledger.testing.MutableClock;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventRecorderTest {

  private static final String NS = "events";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
  private KubernetesMockServer server;
  private KubernetesClient client;
  private ConfigMap involved;

  @BeforeEach
  void start() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init();
    client = server.createClient();
    involved = client.resource(new ConfigMapBuilder().withNewMetadata().withNamespace(NS).withName("box")
        .endMetadata().build()).create();
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  @Test
  void aRepeatedEventBumpsTheCountOfTheFirstInsteadOfAddingOne() {
    EventRecorder recorder = new EventRecorder(client, clock);
    recorder.warning(involved, "ProviderError", "429 too many requests");
    clock.advance(Duration.ofSeconds(30));
    recorder.warning(involved, "ProviderError", "429 too many requests");
    recorder.warning(involved, "ProviderError", "429 too many requests");

    List<Event> events = events();
    assertThat(events).hasSize(1);
    assertThat(events.get(0).getCount()).isEqualTo(3);
    assertThat(events.get(0).getFirstTimestamp()).isEqualTo("2026-03-01T12:00:00Z");
    assertThat(events.get(0).getLastTimestamp()).isEqualTo("2026-03-01T12:00:30Z");
  }

  @Test
  void anotherReasonMessageOrTypeIsAnotherEvent() {
    EventRecorder recorder = new EventRecorder(client, clock);
    recorder.warning(involved, "ProviderError", "429 too many requests");
    recorder.warning(involved, "ProviderError", "503 unavailable");
    recorder.normal(involved, "ProviderError", "503 unavailable");
    recorder.normal(involved, "ServerCreated", "503 unavailable");

    assertThat(events()).hasSize(4).allSatisfy(e -> assertThat(e.getCount()).isEqualTo(1));
  }

  @Test
  void anEventDeletedMeanwhileIsWrittenAgain() {
    EventRecorder recorder = new EventRecorder(client, clock);
    recorder.normal(involved, "ServerCreated", "created server inmemory:1");
    client.v1().events().inNamespace(NS).delete();
    recorder.normal(involved, "ServerCreated", "created server inmemory:1");

    assertThat(events()).hasSize(1).allSatisfy(e -> assertThat(e.getCount()).isEqualTo(1));
  }

  private List<Event> events() {
    return client.v1().events().inNamespace(NS).list().getItems();
  }
}

package dev.seedbox.api.decode;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.seedbox.api.v1alpha1.ByosConnection;
import dev.seedbox.api.v1alpha1.Seedbox;
import dev.seedbox.api.v1alpha1.TorrentClient;
import io.fabric8.kubernetes.api.model.DefaultKubernetesResourceList;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;

class TolerantDecodingTest {

  private static final String GOOD = seedbox("acme-films", "qbittorrent");
  private static final String UTORRENT = seedbox("acme-old", "utorrent");

  private static String seedbox(String name, String client) {
    return """
        {"apiVersion":"seedbox.dev/v1alpha1","kind":"Seedbox",
         "metadata":{"name":"%s","namespace":"default","uid":"u-%s"},
         "spec":{"accountRef":"acme-media","plan":"standard-1tb","provider":"inmemory","region":"local",
                 "client":"%s"},
         "status":{"phase":"Pending"}}
        """.formatted(name, name, client);
  }

  @Test
  void aGoodSeedboxDecodesAsBefore() {
    Seedbox seedbox = Serialization.unmarshal(GOOD, Seedbox.class);

    assertThat(seedbox.undecodable()).isEmpty();
    assertThat(seedbox.getSpec().getClient()).isEqualTo(TorrentClient.QBITTORRENT);
    assertThat(seedbox.getStatus().getPhase()).hasToString("Pending");
    assertThat(seedbox.getMetadata().getName()).isEqualTo("acme-films");
  }

  @Test
  void anUnknownEnumValueNamesTheFieldTheValueAndTheChoices() {
    Seedbox seedbox = Serialization.unmarshal(UTORRENT, Seedbox.class);

    assertThat(seedbox.getSpec()).isNull();
    assertThat(seedbox.getStatus().getPhase()).hasToString("Pending");
    UndecodableField problem = seedbox.undecodable().orElseThrow();
    assertThat(problem.field()).isEqualTo("spec.client");
    assertThat(problem.found()).isEqualTo("\"utorrent\"");
    assertThat(problem.expected()).isEqualTo("one of qbittorrent, transmission, deluge, rtorrent");
    assertThat(problem.inSpec()).isTrue();
    assertThat(seedbox.storedSpecText("accountRef")).contains("acme-media");
  }

  @Test
  void oneUndecodableItemLeavesTheRestOfAListReadable() throws Exception {
    String list = """
        {"apiVersion":"seedbox.dev/v1alpha1","kind":"SeedboxList","metadata":{},"items":[%s,%s]}
        """.formatted(GOOD, UTORRENT);

    List<Seedbox> items = Serialization.jsonMapper()
        .readValue(list, new TypeReference<DefaultKubernetesResourceList<Seedbox>>() { }).getItems();

    assertThat(items).extracting(s -> s.getMetadata().getName()).containsExactly("acme-films", "acme-old");
    assertThat(items.get(0).undecodable()).isEmpty();
    assertThat(items.get(1).undecodable()).isPresent();
  }

  @Test
  void serialisingKeepsTheStoredSpecSoACopyFindsTheSameProblem() {
    Seedbox seedbox = Serialization.unmarshal(UTORRENT, Seedbox.class);

    JsonNode written = Serialization.jsonMapper().valueToTree(seedbox);
    Seedbox copy = Serialization.clone(seedbox);

    assertThat(written.path("spec").path("client").asText()).isEqualTo("utorrent");
    assertThat(written.path("spec").path("plan").asText()).isEqualTo("standard-1tb");
    assertThat(copy.undecodable()).isEqualTo(seedbox.undecodable());
  }

  @Test
  void aWrongTypeStoredBehindTheSchemasBackNamesTheField() {
    ByosConnection connection = Serialization.unmarshal("""
        {"apiVersion":"seedbox.dev/v1alpha1","kind":"ByosConnection","metadata":{"name":"homelab"},
         "spec":{"host":"homelab.example","user":"seedbox","port":{"number":22}}}
        """, ByosConnection.class);

    UndecodableField problem = connection.undecodable().orElseThrow();
    assertThat(problem.field()).isEqualTo("spec.port");
    assertThat(problem.found()).isEqualTo("{\"number\":22}");
    assertThat(problem.expected()).isEqualTo("an integer");
    assertThat(problem.message()).isEqualTo("spec.port must be an integer, found {\"number\":22}");
  }

  @Test
  void aMissingSpecIsAProblemToo() {
    Seedbox seedbox = Serialization.unmarshal("""
        {"apiVersion":"seedbox.dev/v1alpha1","kind":"Seedbox","metadata":{"name":"bare"}}
        """, Seedbox.class);

    assertThat(seedbox.undecodable()).contains(new UndecodableField("spec", "nothing", "an object"));
  }

  @Test
  void anUndecodableStatusIsKeptApartFromAGoodSpec() {
    Seedbox seedbox = Serialization.unmarshal(GOOD.replace("\"phase\":\"Pending\"", "\"phase\":\"Exploded\""),
        Seedbox.class);

    assertThat(seedbox.getSpec().getClient()).isEqualTo(TorrentClient.QBITTORRENT);
    assertThat(seedbox.getStatus()).isNull();
    UndecodableField problem = seedbox.undecodable().orElseThrow();
    assertThat(problem.field()).isEqualTo("status.phase");
    assertThat(problem.inSpec()).isFalse();
    assertThat(Serialization.asJson(seedbox)).contains("\"phase\":\"Exploded\"");
  }

  @Test
  void settingANewSpecDropsTheStoredOne() {
    Seedbox seedbox = Serialization.unmarshal(UTORRENT, Seedbox.class);

    seedbox.setSpec(Serialization.unmarshal(GOOD, Seedbox.class).getSpec());

    assertThat(seedbox.undecodable()).isEmpty();
    assertThat(Serialization.asJson(seedbox)).contains("qbittorrent").doesNotContain("utorrent");
  }
}

package dev.seedbox.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.api.crd.GeneratedCrds.Document;
import dev.seedbox.api.v1alpha1.ApiGroup;
import dev.seedbox.api.v1alpha1.TorrentClient;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ExamplesMatchSchemaTest {

  private static List<Document> ourResources() {
    return GeneratedCrds.documentsBelow(GeneratedCrds.examplesDir()).stream()
        .filter(d -> ApiGroup.API_VERSION.equals(d.apiVersion()))
        .toList();
  }

  @Test
  void thereIsAtLeastOneSampleOfEachKind() {
    assertThat(ourResources().stream().map(Document::kind).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder("Seedbox", "BillingAccount", "ByosConnection");
  }

  @Test
  void thereIsASampleSeedboxOfEachClient() {
    assertThat(ourResources().stream().filter(d -> d.kind().equals("Seedbox"))
        .map(d -> d.body().at("/spec/client").asText("qbittorrent")).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder(Arrays.stream(TorrentClient.values()).map(TorrentClient::wireName)
            .toArray(String[]::new));
  }

  @Test
  void everySampleIsValidAgainstItsGeneratedSchema() {
    for (Document sample : ourResources()) {
      assertThat(CrdSchema.knows(sample.kind())).as("%s: unknown kind %s", sample.file(), sample.kind()).isTrue();
      assertThat(CrdSchema.errors(sample.body()))
          .as("%s (%s %s)", sample.file(), sample.kind(), sample.body().at("/metadata/name").asText())
          .isEmpty();
    }
  }
}

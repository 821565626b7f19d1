package dev.seedbox.api.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.api.v1alpha1.TorrentClient;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PlanCatalogTest {

  private static final Path SAMPLE =
      Path.of(System.getProperty("seedbox.examples", "../../examples")).resolve("plans.yaml");

  @Test
  void loadsTheSampleCatalog() {
    PlanCatalog catalog = PlanCatalog.load(SAMPLE);

    Plan starter = catalog.find("starter-1tb").orElseThrow();
    assertThat(starter.pricePerPeriodCents()).isEqualTo(1200L);
    assertThat(starter.storageGb()).isEqualTo(1000L);
    assertThat(starter.offer(ProviderKind.DIGITALOCEAN, "ams3")).map(ProviderOffer::size).contains("s-2vcpu-4gb");
    assertThat(starter.offer(ProviderKind.DIGITALOCEAN, "sgp1")).isEmpty();
    assertThat(starter.offer(ProviderKind.INMEMORY, "local")).isPresent();
    assertThat(catalog.find("enterprise")).isEmpty();
    assertThat(catalog.plans()).extracting(Plan::id).containsExactlyInAnyOrder("starter-1tb", "pro-4tb",
        "own-server");
    Plan own = catalog.find("own-server").orElseThrow();
    assertThat(own.ownServer()).isTrue();
    assertThat(own.offers()).isEmpty();
    assertThat(starter.ownServer()).isFalse();
  }

  @Test
  void aPlanMayLimitTheClientsItOffersAndOffersEveryClientOtherwise() {
    PlanCatalog catalog = PlanCatalog.parse("""
        plans:
          light:
            pricePerPeriodCents: 400
            storageGb: 100
            ownServer: true
            clients: [qbittorrent, transmission]
          any:
            pricePerPeriodCents: 400
            storageGb: 100
            ownServer: true
        """, "test");
    Plan light = catalog.find("light").orElseThrow();
    assertThat(light.clients()).containsExactlyInAnyOrder(TorrentClient.QBITTORRENT, TorrentClient.TRANSMISSION);
    assertThat(light.offersClient(TorrentClient.TRANSMISSION)).isTrue();
    assertThat(light.offersClient(TorrentClient.RTORRENT)).isFalse();
    Plan any = catalog.find("any").orElseThrow();
    for (TorrentClient client : TorrentClient.values()) {
      assertThat(any.offersClient(client)).as("%s", client).isTrue();
    }

    assertThatThrownBy(() -> PlanCatalog.parse("""
        plans:
          typo:
            pricePerPeriodCents: 400
            storageGb: 100
            ownServer: true
            clients: [qbittorrent, utorrent]
          none:
            pricePerPeriodCents: 400
            storageGb: 100
            ownServer: true
            clients: []
        """, "test")).isInstanceOfSatisfying(InvalidPlanCatalogException.class, e -> assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "plan 'typo': clients: '\"utorrent\"' is not a client, expected one of [qbittorrent, transmission, "
                + "deluge, rtorrent]",
            "plan 'none': clients must list at least one of [qbittorrent, transmission, deluge, rtorrent], found "
                + "'[]'"));
  }

  @Test
  void aPlanForTheCustomersOwnServerHasAFeeAndDiskButNoProviders() {
    Plan own = PlanCatalog.parse("""
        plans:
          managed:
            pricePerPeriodCents: 400
            storageGb: 100
            ownServer: true
        """, "test").find("managed").orElseThrow();
    assertThat(own.pricePerPeriodCents()).isEqualTo(400);
    assertThat(own.storageGb()).isEqualTo(100);
    assertThat(own.offer(ProviderKind.INMEMORY, "local")).isEmpty();

    assertThatThrownBy(() -> PlanCatalog.parse("""
        plans:
          mixed:
            pricePerPeriodCents: 400
            storageGb: 100
            ownServer: true
            providers:
              inmemory: { size: small, regions: [local] }
          odd:
            pricePerPeriodCents: 400
            storageGb: 100
            ownServer: "yes"
        """, "test")).isInstanceOfSatisfying(InvalidPlanCatalogException.class, e -> assertThat(e.problems())
        .contains("plan 'mixed': a plan for the customer's own server (ownServer: true) names no providers",
            "plan 'odd': ownServer must be true or false, found '\"yes\"'"));
  }

  @Test
  void reportsEveryProblemNamingPlanAndField() {
    String yaml = """
        plans:
          cheap:
            pricePerPeriodCents: 12.5
            storageGb: 500
            providers:
              digitalocean: {size: s-1vcpu-1gb, regions: [ams3]}
          Big_Plan:
            pricePerPeriodCents: 4000
            storageGb: 0
            providers:
              aws: {size: m5.large, regions: [eu-west-1]}
          no-regions:
            pricePerPeriodCents: 900
            storageGb: 100
            storagGb: 100
            providers:
              hetzner: {size: cx22, regions: []}
        """;

    assertThatThrownBy(() -> PlanCatalog.parse(yaml, "test.yaml"))
        .isInstanceOf(InvalidPlanCatalogException.class)
        .satisfies(e -> assertThat(((InvalidPlanCatalogException) e).problems()).containsExactlyInAnyOrder(
            "plan 'cheap': pricePerPeriodCents: must be a positive whole number, found '12.5'",
            "plan 'Big_Plan': the id must be a DNS-1123 label (lowercase letters, digits and '-', at most 63)",
            "plan 'Big_Plan': storageGb: must be a positive whole number, found '0'",
            "plan 'Big_Plan': providers.aws: unknown provider, expected one of [digitalocean, hetzner, inmemory]",
            "plan 'no-regions': unknown field 'storagGb', expected [clients, displayName, ownServer, "
                + "pricePerPeriodCents, providers, storageGb]",
            "plan 'no-regions': providers.hetzner.regions: must list at least one region, found '[]'"))
        .hasMessageContaining("test.yaml");
  }

  @Test
  void rejectsAnEmptyCatalogAndBrokenYaml() {
    assertThatThrownBy(() -> PlanCatalog.parse("plans: {}", "empty.yaml"))
        .isInstanceOf(InvalidPlanCatalogException.class)
        .hasMessageContaining("at least one plan");
    assertThatThrownBy(() -> PlanCatalog.parse("plans: [unclosed", "broken.yaml"))
        .isInstanceOf(InvalidPlanCatalogException.class)
        .hasMessageContaining("not valid YAML");
  }

  @Test
  void missingFileIsReportedWithItsPath() {
    assertThatThrownBy(() -> PlanCatalog.load(Path.of("/nonexistent/plans.yaml")))
        .isInstanceOf(InvalidPlanCatalogException.class)
        .hasMessageContaining("/nonexistent/plans.yaml");
  }

  @Test
  void theSampleSaysWhereEachOffersStorageLives() {
    PlanCatalog catalog = PlanCatalog.load(SAMPLE);
    Plan starter = catalog.find("starter-1tb").orElseThrow();

    assertThat(starter.volumeGb(ProviderKind.DIGITALOCEAN)).isEqualTo(1000);
    assertThat(starter.volumeGb(ProviderKind.HETZNER)).isEqualTo(1000);
    assertThat(starter.offer(ProviderKind.INMEMORY, "local")).map(ProviderOffer::storage)
        .contains(ProviderOffer.Storage.SERVER_DISK);
    assertThat(starter.volumeGb(ProviderKind.INMEMORY)).as("the server's own disk holds it").isZero();
  }

  @Test
  void storageIsAVolumeUnlessTheOfferKeepsItOnADiskThatFitsIt() {
    Plan plan = PlanCatalog.parse("""
        plans:
          small:
            pricePerPeriodCents: 500
            storageGb: 100
            providers:
              digitalocean: {size: s-4vcpu-8gb, regions: [ams3]}
              hetzner: {size: cx42, diskGb: 160, storage: serverDisk, regions: [fsn1]}
        """, "ok.yaml").find("small").orElseThrow();

    assertThat(plan.volumeGb(ProviderKind.DIGITALOCEAN)).isEqualTo(100);
    assertThat(plan.volumeGb(ProviderKind.HETZNER)).isZero();
  }

  @Test
  void refusesStorageThatTheOfferCannotDeliver() {
    String yaml = """
        plans:
          too-big-for-disk:
            pricePerPeriodCents: 500
            storageGb: 1000
            providers:
              hetzner: {size: cx32, diskGb: 80, storage: serverDisk, regions: [fsn1]}
          disk-unknown:
            pricePerPeriodCents: 500
            storageGb: 50
            providers:
              digitalocean: {size: s-1vcpu-1gb, storage: serverDisk, regions: [ams3]}
          huge-volume:
            pricePerPeriodCents: 500
            storageGb: 20000
            providers:
              hetzner: {size: cx42, regions: [fsn1]}
          tiny-volume:
            pricePerPeriodCents: 500
            storageGb: 5
            providers:
              hetzner: {size: cx22, storage: volume, regions: [fsn1]}
          odd-storage:
            pricePerPeriodCents: 500
            storageGb: 50
            providers:
              digitalocean: {size: s-1vcpu-1gb, storage: nfs, regions: [ams3]}
        """;

    assertThatThrownBy(() -> PlanCatalog.parse(yaml, "storage.yaml"))
        .isInstanceOfSatisfying(InvalidPlanCatalogException.class, e -> assertThat(e.problems())
            .containsExactlyInAnyOrder(
                "plan 'too-big-for-disk': providers.hetzner.storage: serverDisk cannot hold storageGb 1000 on a 80 "
                    + "GB disk (20 GB stay for the system); use storage: volume or a larger size",
                "plan 'disk-unknown': providers.digitalocean.diskGb: storage serverDisk needs the size's own disk in "
                    + "GB, found nothing",
                "plan 'huge-volume': providers.hetzner.storage: a hetzner volume holds 10 to 10240 GB, found "
                    + "storageGb 20000",
                "plan 'tiny-volume': providers.hetzner.storage: a hetzner volume holds 10 to 10240 GB, found "
                    + "storageGb 5",
                "plan 'odd-storage': providers.digitalocean.storage: must be volume or serverDisk, found '\"nfs\"'"));
  }
}

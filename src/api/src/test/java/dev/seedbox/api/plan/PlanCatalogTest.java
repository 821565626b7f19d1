package dev.seedbox.api.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seedbox.api.v1alpha1.ProviderKind;
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
    assertThat(catalog.plans()).extracting(Plan::id).containsExactlyInAnyOrder("starter-1tb", "pro-4tb");
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
            "plan 'no-regions': unknown field 'storagGb', expected [displayName, pricePerPeriodCents, providers, "
                + "storageGb]",
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
}

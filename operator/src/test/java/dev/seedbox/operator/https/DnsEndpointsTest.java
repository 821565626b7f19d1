package dev.seedbox.operator.https;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.api.v1alpha1.Seedbox;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The DNSEndpoint on the fabric8 mock API in CRUD mode, with external-dns's CRD registered as external-dns would
 * install it (our chart does not ship it).
 */
@EnableKubernetesMockClient(crud = true)
class DnsEndpointsTest {

  private static final String HOSTNAME = "alice-customers.seedbox.example.com";

  KubernetesClient client;
  private DnsEndpoints dns;
  private Seedbox seedbox;

  @BeforeEach
  void registerTheCrdAndASeedbox() {
    ExternalDnsCrd.register(client);
    seedbox = new Seedbox();
    seedbox.setMetadata(new ObjectMetaBuilder().withName("alice").withNamespace("customers")
        .withUid(UUID.randomUUID().toString()).build());
    dns = new DnsEndpoints(client);
  }

  @Test
  void theRecordIsCreatedOwnedByTheSeedboxWithAnARecord() {
    assertThat(dns.ensure(seedbox, HOSTNAME, List.of("203.0.113.7"))).isEqualTo(DnsEndpoints.Change.CREATED);

    GenericKubernetesResource record = stored();
    assertThat(record.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
      assertThat(owner.getUid()).isEqualTo(seedbox.getMetadata().getUid());
      assertThat(owner.getKind()).isEqualTo("Seedbox");
      assertThat(owner.getApiVersion()).isEqualTo(seedbox.getApiVersion());
      assertThat(owner.getController()).isTrue();
    });
    assertThat(endpoints(record)).containsExactly(Map.of("dnsName", HOSTNAME, "recordType", "A",
        "recordTTL", 300, "targets", List.of("203.0.113.7")));
  }

  @Test
  void aServerWithIpv6GetsAnAaaaRecordToo() {
    dns.ensure(seedbox, HOSTNAME, List.of("203.0.113.7", "2001:db8:0:0::7"));

    assertThat(endpoints(stored())).extracting(e -> e.get("recordType"), e -> e.get("targets"))
        .containsExactly(org.assertj.core.groups.Tuple.tuple("A", List.of("203.0.113.7")),
            org.assertj.core.groups.Tuple.tuple("AAAA", List.of("2001:db8::7")));
  }

  @Test
  void anIpv6AddressIsWrittenInItsRecommendedForm() {
    assertThat(DnsEndpoints.canonicalV6("2001:0DB8:0000:0000:0001:0000:0000:0001")).isEqualTo("2001:db8::1:0:0:1");
    assertThat(DnsEndpoints.canonicalV6("2001:db8:0:1:0:0:0:1")).as("the longest run of zeros")
        .isEqualTo("2001:db8:0:1::1");
    assertThat(DnsEndpoints.canonicalV6("2001:db8:1:2:3:4:0:5")).as("one zero group is not shortened")
        .isEqualTo("2001:db8:1:2:3:4:0:5");
    assertThat(DnsEndpoints.canonicalV6("0:0:0:0:0:0:0:1")).isEqualTo("::1");
    assertThat(DnsEndpoints.canonicalV6("fd5e:ed00:0:0:0:0:0:0")).isEqualTo("fd5e:ed00::");
  }

  @Test
  void aNewAddressRewritesTheRecordAndTheSameAddressWritesNothing() {
    dns.ensure(seedbox, HOSTNAME, List.of("203.0.113.7"));
    String before = stored().getMetadata().getResourceVersion();

    assertThat(dns.ensure(seedbox, HOSTNAME, List.of("203.0.113.7"))).isEqualTo(DnsEndpoints.Change.UNCHANGED);
    assertThat(stored().getMetadata().getResourceVersion()).isEqualTo(before);

    assertThat(dns.ensure(seedbox, HOSTNAME, List.of("198.51.100.9"))).isEqualTo(DnsEndpoints.Change.UPDATED);
    assertThat(endpoints(stored())).singleElement()
        .satisfies(e -> assertThat(e.get("targets")).isEqualTo(List.of("198.51.100.9")));
  }

  @Test
  void theRecordGoesWithTheSeedbox() {
    dns.ensure(seedbox, HOSTNAME, List.of("203.0.113.7"));

    assertThat(dns.remove(seedbox)).isTrue();
    assertThat(client.genericKubernetesResources(DnsEndpoints.CONTEXT).inNamespace("customers")
        .withName(DnsEndpoints.name(seedbox)).get()).isNull();
    assertThat(dns.remove(seedbox)).isFalse();
  }

  private GenericKubernetesResource stored() {
    return client.genericKubernetesResources(DnsEndpoints.CONTEXT).inNamespace("customers")
        .withName(DnsEndpoints.name(seedbox)).get();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> endpoints(GenericKubernetesResource record) {
    return (List<Map<String, Object>>) ((Map<String, Object>) record.getAdditionalProperties().get("spec"))
        .get("endpoints");
  }
}

package dev.seedbox.operator.https;

import dev.seedbox.api.v1alpha1.ApiGroup;
import dev.seedbox.api.v1alpha1.Seedbox;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A Seedbox's DNS record as an external-dns {@code DNSEndpoint} in the Seedbox's namespace, owned by the Seedbox
 * so that it goes when the Seedbox goes: external-dns publishes it through whatever DNS provider the cluster uses,
 * and the operator itself writes to no DNS API. Level-based: {@link #ensure} makes the record say what the
 * server's addresses are now and writes only when it does not.
 */
public final class DnsEndpoints {

  public static final String API_VERSION = "externaldns.k8s.io/v1alpha1";
  public static final String KIND = "DNSEndpoint";
  public static final ResourceDefinitionContext CONTEXT = new ResourceDefinitionContext.Builder()
      .withGroup("externaldns.k8s.io").withVersion("v1alpha1").withKind(KIND).withPlural("dnsendpoints")
      .withNamespaced(true).build();
  /** Short, so that a new server's address reaches resolvers soon. */
  public static final int TTL_SECONDS = 300;

  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3}\\.){3}\\d{1,3}");
  private static final Pattern HOSTNAME = Pattern.compile(ApiGroup.HOSTNAME);

  private final KubernetesClient client;

  public DnsEndpoints(KubernetesClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /** What changed: the record was made, rewritten for new addresses, or already right. */
  public enum Change { CREATED, UPDATED, UNCHANGED }

  /**
   * @param addresses the server's public addresses: an A record for the IPv4 one, AAAA for an IPv6 one; or the one
   *     DNS name a customer's server is known by, for a CNAME
   */
  public Change ensure(Seedbox seedbox, String hostname, List<String> addresses) {
    List<Map<String, Object>> endpoints = endpoints(hostname, addresses);
    String namespace = seedbox.getMetadata().getNamespace();
    String name = name(seedbox);
    GenericKubernetesResource existing = client.genericKubernetesResources(CONTEXT).inNamespace(namespace)
        .withName(name).get();
    if (existing == null) {
      GenericKubernetesResource record = new GenericKubernetesResource();
      record.setApiVersion(API_VERSION);
      record.setKind(KIND);
      record.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace)
          .withLabels(Map.of("app.kubernetes.io/managed-by", "seedbox-operator"))
          .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(seedbox.getApiVersion())
              .withKind(seedbox.getKind()).withName(seedbox.getMetadata().getName())
              .withUid(seedbox.getMetadata().getUid()).withController(true).build())
          .build());
      record.setAdditionalProperty("spec", Map.of("endpoints", endpoints));
      client.genericKubernetesResources(CONTEXT).inNamespace(namespace).resource(record).create();
      return Change.CREATED;
    }
    Object spec = existing.getAdditionalProperties().get("spec");
    if (spec instanceof Map<?, ?> current && endpoints.equals(current.get("endpoints"))) {
      return Change.UNCHANGED;
    }
    existing.setAdditionalProperty("spec", Map.of("endpoints", endpoints));
    client.genericKubernetesResources(CONTEXT).inNamespace(namespace).resource(existing).update();
    return Change.UPDATED;
  }

  /** Removes the record; the owner reference has the garbage collector do the same when the Seedbox goes. */
  public boolean remove(Seedbox seedbox) {
    return !client.genericKubernetesResources(CONTEXT).inNamespace(seedbox.getMetadata().getNamespace())
        .withName(name(seedbox)).delete().isEmpty();
  }

  /** The record is named after its Seedbox, so there is one per Seedbox and it is found without a list. */
  public static String name(Seedbox seedbox) {
    return seedbox.getMetadata().getName() + "-webui";
  }

  static List<Map<String, Object>> endpoints(String hostname, List<String> addresses) {
    if (addresses.size() == 1 && HOSTNAME.matcher(addresses.get(0)).matches()) {
      // a customer's server known by its own name: the record follows that name wherever it points
      return List.of(endpoint(hostname, "CNAME", addresses));
    }
    List<String> v4 = new ArrayList<>();
    List<String> v6 = new ArrayList<>();
    for (String address : addresses) {
      if (IPV4.matcher(address).matches()) {
        v4.add(address);
      } else if (address.contains(":") && address.matches("[0-9A-Fa-f:.]+")) {
        v6.add(canonicalV6(address));
      } else {
        throw new IllegalArgumentException("expected an IP address for " + hostname + ", found '" + address + "'");
      }
    }
    List<Map<String, Object>> endpoints = new ArrayList<>();
    if (!v4.isEmpty()) {
      endpoints.add(endpoint(hostname, "A", v4));
    }
    if (!v6.isEmpty()) {
      endpoints.add(endpoint(hostname, "AAAA", v6));
    }
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("expected at least one address for " + hostname);
    }
    return endpoints;
  }

  /** The record type that points a name at {@code address}: A, AAAA, or CNAME for a DNS name. */
  public static String recordType(String address) {
    if (IPV4.matcher(address).matches()) {
      return "A";
    }
    return HOSTNAME.matcher(address).matches() ? "CNAME" : "AAAA";
  }

  private static Map<String, Object> endpoint(String hostname, String type, List<String> targets) {
    Map<String, Object> endpoint = new LinkedHashMap<>();
    endpoint.put("dnsName", hostname);
    endpoint.put("recordType", type);
    endpoint.put("recordTTL", TTL_SECONDS);
    endpoint.put("targets", List.copyOf(targets));
    return endpoint;
  }

  /** An IPv6 address in its recommended text form (RFC 5952): lower case, the longest run of zero groups as ::. */
  public static String canonicalV6(String address) {
    String[] groups;
    try {
      // a literal with only hex digits, colons and dots: parsed without any DNS lookup
      groups = InetAddress.getByName(address).getHostAddress().replaceFirst("%.*$", "").split(":");
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("expected an IPv6 address, found '" + address + "'", e);
    }
    if (groups.length != 8) {
      throw new IllegalArgumentException("expected an IPv6 address, found '" + address + "'");
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int start = 0; start < 8; start++) {
      int length = 0;
      while (start + length < 8 && groups[start + length].equals("0")) {
        length++;
      }
      if (length > bestLength) {
        bestStart = start;
        bestLength = length;
      }
    }
    if (bestStart < 0) {
      return String.join(":", groups);
    }
    return String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart)) + "::"
        + String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, 8));
  }
}

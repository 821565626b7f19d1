package dev.seedbox.api.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.seedbox.api.v1alpha1.ApiGroup;
import dev.seedbox.api.v1alpha1.ProviderKind;
import dev.seedbox.api.v1alpha1.TorrentClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The plans we sell, loaded from YAML (mounted from a ConfigMap in clusters). The whole file is validated on load
 * and every problem is reported at once, naming the plan and the field, so a bad catalog never half-loads.
 *
 * <pre>
 * plans:
 *   starter:
 *     displayName: Starter 1 TB
 *     pricePerPeriodCents: 1500      # one 30-day period
 *     storageGb: 1000
 *     providers:
 *       digitalocean: { size: s-2vcpu-4gb, diskGb: 80, regions: [ams3, fra1] }        # a 1000 GB volume
 *       hetzner: { size: ccx63, diskGb: 960, storage: serverDisk, regions: [fsn1] }  # no volume
 *   own-server:
 *     pricePerPeriodCents: 400       # our management fee for the customer's own server
 *     storageGb: 100                 # free disk the server must have for downloads
 *     ownServer: true                # no providers
 *     clients: [qbittorrent, rtorrent]  # the clients this plan offers (without it: every client)
 * </pre>
 *
 * <p>An offer's {@code storage} is {@code volume} (the default: a block storage volume of {@code storageGb} in the
 * server's region) or {@code serverDisk} (the server's own disk holds it). {@code serverDisk} needs the size's
 * {@code diskGb} and is refused unless {@code storageGb} plus {@value #SYSTEM_RESERVE_GB} GB for the system fits
 * it; a volume must be within the provider's volume sizes.
 */
public final class PlanCatalog {

  private static final Pattern ID = Pattern.compile(ApiGroup.DNS_1123_LABEL);
  private static final Set<String> PLAN_FIELDS = Set.of("displayName", "pricePerPeriodCents", "storageGb", "providers",
      "ownServer", "clients");
  private static final Set<String> OFFER_FIELDS = Set.of("size", "regions", "storage", "diskGb");
  /** What the operating system, the client and its logs keep of a server's own disk. */
  public static final long SYSTEM_RESERVE_GB = 20;
  /** Volume sizes each provider accepts, in GB (DigitalOcean: 1 GiB to 16 TiB; Hetzner: 10 GB to 10 TB). */
  private static final Map<ProviderKind, long[]> VOLUME_SIZES = Map.of(
      ProviderKind.DIGITALOCEAN, new long[] {1, 16_384},
      ProviderKind.HETZNER, new long[] {10, 10_240},
      ProviderKind.INMEMORY, new long[] {1, Long.MAX_VALUE});

  private final Map<String, Plan> plans;

  private PlanCatalog(Map<String, Plan> plans) {
    this.plans = plans;
  }

  public static PlanCatalog load(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new InvalidPlanCatalogException(file.toString(), List.of("cannot read the file: " + e.getMessage()));
    }
  }

  public static PlanCatalog parse(String yaml, String source) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new InvalidPlanCatalogException(source, List.of("not valid YAML: " + e.getOriginalMessage()));
    }
    List<String> problems = new ArrayList<>();
    JsonNode plansNode = root == null ? null : root.get("plans");
    if (plansNode == null || !plansNode.isObject() || plansNode.isEmpty()) {
      throw new InvalidPlanCatalogException(source, List.of("'plans' must be a map of plan id to plan, with at least one plan"));
    }
    Map<String, Plan> plans = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : plansNode.properties()) {
      readPlan(entry.getKey(), entry.getValue(), problems).ifPresent(plan -> plans.put(plan.id(), plan));
    }
    if (!problems.isEmpty()) {
      throw new InvalidPlanCatalogException(source, problems);
    }
    return new PlanCatalog(Map.copyOf(plans));
  }

  public Optional<Plan> find(String planId) {
    return Optional.ofNullable(plans.get(planId));
  }

  public Collection<Plan> plans() {
    return plans.values();
  }

  private static Optional<Plan> readPlan(String id, JsonNode node, List<String> problems) {
    int before = problems.size();
    String where = "plan '" + id + "'";
    if (!ID.matcher(id).matches() || id.length() > 63) {
      problems.add(where + ": the id must be a DNS-1123 label (lowercase letters, digits and '-', at most 63)");
    }
    if (!node.isObject()) {
      problems.add(where + ": must be a map with pricePerPeriodCents, storageGb and providers");
      return Optional.empty();
    }
    unknownFields(node, PLAN_FIELDS, where, problems);
    String displayName = node.path("displayName").isTextual() ? node.get("displayName").asText() : id;
    long price = positiveLong(node.get("pricePerPeriodCents"), where + ": pricePerPeriodCents", problems);
    long storage = positiveLong(node.get("storageGb"), where + ": storageGb", problems);
    Map<ProviderKind, ProviderOffer> offers = new LinkedHashMap<>();
    JsonNode providers = node.get("providers");
    JsonNode ownServerNode = node.get("ownServer");
    if (ownServerNode != null && !ownServerNode.isBoolean()) {
      problems.add(where + ": ownServer must be true or false, found " + describe(ownServerNode));
    }
    boolean ownServer = ownServerNode != null && ownServerNode.asBoolean();
    if (ownServer) {
      if (providers != null) {
        problems.add(where + ": a plan for the customer's own server (ownServer: true) names no providers");
      }
    } else if (providers == null || !providers.isObject() || providers.isEmpty()) {
      problems.add(where + ": providers must name at least one provider with its size and regions");
    } else {
      for (Map.Entry<String, JsonNode> offer : providers.properties()) {
        readOffer(where, offer.getKey(), offer.getValue(), storage, problems)
            .ifPresent(o -> offers.put(providerKind(offer.getKey()).orElseThrow(), o));
      }
    }
    Set<TorrentClient> clients = readClients(where, node.get("clients"), problems);
    if (problems.size() > before) {
      return Optional.empty();
    }
    return Optional.of(new Plan(id, displayName, price, storage, offers, ownServer, clients));
  }

  private static Set<TorrentClient> readClients(String where, JsonNode node, List<String> problems) {
    if (node == null) {
      return Set.of();
    }
    List<String> names = Arrays.stream(TorrentClient.values()).map(TorrentClient::wireName).toList();
    if (!node.isArray() || node.isEmpty()) {
      problems.add(where + ": clients must list at least one of " + names + ", found " + describe(node));
      return Set.of();
    }
    Set<TorrentClient> clients = java.util.EnumSet.noneOf(TorrentClient.class);
    for (JsonNode client : node) {
      Optional<TorrentClient> named = Arrays.stream(TorrentClient.values())
          .filter(c -> client.isTextual() && c.wireName().equals(client.asText())).findFirst();
      if (named.isEmpty()) {
        problems.add(where + ": clients: " + describe(client) + " is not a client, expected one of " + names);
      } else {
        clients.add(named.get());
      }
    }
    return clients;
  }

  private static Optional<ProviderOffer> readOffer(String plan, String provider, JsonNode node, long storageGb,
      List<String> problems) {
    String where = plan + ": providers." + provider;
    if (providerKind(provider).isEmpty()) {
      problems.add(where + ": unknown provider, expected one of "
          + Arrays.stream(ProviderKind.values()).map(ProviderKind::wireName).toList());
      return Optional.empty();
    }
    if (!node.isObject()) {
      problems.add(where + ": must be a map with size and regions");
      return Optional.empty();
    }
    int before = problems.size();
    unknownFields(node, OFFER_FIELDS, where, problems);
    JsonNode size = node.get("size");
    if (size == null || !size.isTextual() || size.asText().isBlank()) {
      problems.add(where + ".size: must be the provider's server size slug, found " + describe(size));
    }
    List<String> regions = new ArrayList<>();
    JsonNode regionsNode = node.get("regions");
    if (regionsNode == null || !regionsNode.isArray() || regionsNode.isEmpty()) {
      problems.add(where + ".regions: must list at least one region, found " + describe(regionsNode));
    } else {
      for (JsonNode region : regionsNode) {
        if (!region.isTextual() || !ID.matcher(region.asText()).matches()) {
          problems.add(where + ".regions: " + describe(region) + " is not a region slug");
        } else {
          regions.add(region.asText());
        }
      }
    }
    long diskGb = 0;
    JsonNode disk = node.get("diskGb");
    if (disk != null) {
      diskGb = positiveLong(disk, where + ".diskGb", problems);
    }
    ProviderOffer.Storage storage = ProviderOffer.Storage.VOLUME;
    JsonNode storageNode = node.get("storage");
    if (storageNode != null) {
      Optional<ProviderOffer.Storage> named = Arrays.stream(ProviderOffer.Storage.values())
          .filter(s -> s.wireName().equals(storageNode.asText())).findFirst();
      if (!storageNode.isTextual() || named.isEmpty()) {
        problems.add(where + ".storage: must be volume or serverDisk, found " + describe(storageNode));
      } else {
        storage = named.get();
      }
    }
    if (storageGb > 0) {
      checkStorage(where, providerKind(provider).orElseThrow(), storage, diskGb, storageGb, problems);
    }
    return problems.size() > before ? Optional.empty()
        : Optional.of(new ProviderOffer(size.asText(), regions, storage, diskGb));
  }

  /** The plan's storage must be deliverable the way the offer says: on the server's disk, or as a volume. */
  private static void checkStorage(String where, ProviderKind provider, ProviderOffer.Storage storage, long diskGb,
      long storageGb, List<String> problems) {
    if (storage == ProviderOffer.Storage.SERVER_DISK) {
      if (diskGb == 0) {
        problems.add(where + ".diskGb: storage serverDisk needs the size's own disk in GB, found nothing");
      } else if (storageGb + SYSTEM_RESERVE_GB > diskGb) {
        problems.add(where + ".storage: serverDisk cannot hold storageGb " + storageGb + " on a " + diskGb
            + " GB disk (" + SYSTEM_RESERVE_GB + " GB stay for the system); use storage: volume or a larger size");
      }
      return;
    }
    long[] sizes = VOLUME_SIZES.get(provider);
    if (storageGb < sizes[0] || storageGb > sizes[1]) {
      problems.add(where + ".storage: a " + provider.wireName() + " volume holds " + sizes[0] + " to " + sizes[1]
          + " GB, found storageGb " + storageGb);
    }
  }

  private static long positiveLong(JsonNode node, String where, List<String> problems) {
    if (node == null || !node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() <= 0) {
      problems.add(where + ": must be a positive whole number, found " + describe(node));
      return 0;
    }
    return node.asLong();
  }

  private static void unknownFields(JsonNode node, Set<String> known, String where, List<String> problems) {
    node.fieldNames().forEachRemaining(field -> {
      if (!known.contains(field)) {
        problems.add(where + ": unknown field '" + field + "', expected " + known.stream().sorted().toList());
      }
    });
  }

  private static Optional<ProviderKind> providerKind(String name) {
    return Arrays.stream(ProviderKind.values()).filter(p -> p.wireName().equals(name)).findFirst();
  }

  private static String describe(JsonNode node) {
    return node == null || node.isMissingNode() ? "nothing" : "'" + node + "'";
  }
}

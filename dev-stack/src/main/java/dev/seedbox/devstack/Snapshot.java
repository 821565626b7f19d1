package dev.seedbox.devstack;

import dev.seedbox.api.status.Condition;
import dev.seedbox.api.status.ConditionStatus;
import dev.seedbox.api.status.ResourceStatus;
import dev.seedbox.api.v1alpha1.BillingAccount;
import dev.seedbox.api.v1alpha1.ByosConnection;
import dev.seedbox.api.v1alpha1.Seedbox;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** What the custom resources in one namespace report right now: one row per resource, as the table shows it. */
public record Snapshot(List<Row> rows) {

  public Snapshot {
    rows = List.copyOf(rows);
  }

  /**
   * @param resource {@code kind/name}, kubectl style ({@code sb/acme-films})
   * @param phase the Seedbox or ByosConnection phase, the BillingAccount state; "" before any status
   * @param conditions {@code Type=Status} pairs
   * @param balanceCents the account's projected balance; empty for other kinds or before a status
   */
  public record Row(String resource, String phase, String conditions, Optional<Long> balanceCents) {
  }

  public static Snapshot read(KubernetesClient client, String namespace) {
    List<Row> rows = new ArrayList<>();
    client.resources(BillingAccount.class).inNamespace(namespace).list().getItems().stream()
        .sorted(Comparator.comparing(a -> a.getMetadata().getName()))
        .forEach(account -> {
          var status = account.getStatus();
          rows.add(new Row("ba/" + account.getMetadata().getName(),
              status == null || status.getState() == null ? "" : status.getState().wireName(), conditions(status),
              Optional.ofNullable(status == null ? null : status.getBalanceCents())));
        });
    client.resources(Seedbox.class).inNamespace(namespace).list().getItems().stream()
        .sorted(Comparator.comparing(s -> s.getMetadata().getName()))
        .forEach(seedbox -> {
          var status = seedbox.getStatus();
          rows.add(new Row("sb/" + seedbox.getMetadata().getName(),
              status == null || status.getPhase() == null ? "" : status.getPhase().wireName(), conditions(status),
              Optional.empty()));
        });
    client.resources(ByosConnection.class).inNamespace(namespace).list().getItems().stream()
        .sorted(Comparator.comparing(c -> c.getMetadata().getName()))
        .forEach(connection -> {
          var status = connection.getStatus();
          rows.add(new Row("byos/" + connection.getMetadata().getName(),
              status == null || status.getPhase() == null ? "" : status.getPhase().toString(), conditions(status),
              Optional.empty()));
        });
    return new Snapshot(rows);
  }

  public Optional<Row> row(String resource) {
    return rows.stream().filter(r -> r.resource().equals(resource)).findFirst();
  }

  public String phaseOf(String resource) {
    return row(resource).map(Row::phase).orElse("");
  }

  /** Phases of every row whose resource starts with {@code prefix} (e.g. "sb/"). */
  public List<String> phasesOf(String prefix) {
    return rows.stream().filter(r -> r.resource().startsWith(prefix)).map(Row::phase).toList();
  }

  private static String conditions(ResourceStatus status) {
    if (status == null || status.getConditions() == null) {
      return "";
    }
    return status.getConditions().stream()
        .map(Snapshot::condition)
        .collect(Collectors.joining(" "));
  }

  private static String condition(Condition c) {
    String value = switch (c.getStatus() == null ? ConditionStatus.UNKNOWN : c.getStatus()) {
      case TRUE -> "True";
      case FALSE -> "False";
      case UNKNOWN -> "Unknown";
    };
    return c.getType() + "=" + value;
  }
}

package dev.seedbox.operator.reconcile;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;

/**
 * Writes a status with one JSON Patch operation, {@code add /status}, to the status subresource. JOSDK's non-SSA status
 * update is a JSON Patch diffed against the resource as the client deserialised it; our CR classes start with an
 * empty status ({@code initStatus}), so for a resource stored without one the diff says {@code add /status/x} into a
 * status that does not exist on the server, which the API server (and the mock) refuses. (A merge patch would do
 * too, but the mock merges arrays instead of replacing them, leaving stale conditions behind.)
 */
public final class StatusPatch {

  private StatusPatch() {}

  /** Returns the resource as the server stored it. */
  public static <P extends CustomResource<?, ?>> P write(KubernetesClient client, P resource) {
    // RFC 6902 "add" on an existing member replaces it, so this one operation works with or without a stored status
    String patch = Serialization.asJson(List.of(Map.of("op", "add", "path", "/status", "value",
        resource.getStatus())));
    return client.resource(resource).subresource("status").patch(PatchContext.of(PatchType.JSON), patch);
  }
}

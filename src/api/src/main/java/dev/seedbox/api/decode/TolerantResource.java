package dev.seedbox.api.decode;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A custom resource that still decodes when its spec or status does not fit our classes (see
 * {@link TolerantDecoder}). The part that did not decode is left null and kept as the JSON that was stored, and is
 * written out again unchanged whenever the resource is serialised (a clone, an update), so nothing the user stored
 * is lost and decoding the copy finds the same problem.
 *
 * <p>Without this, one such object fails the decoding of the whole list an informer reads, and the operator stops.
 */
public abstract class TolerantResource<S, T> extends CustomResource<S, T> {


  private final Map<String, JsonNode> undecoded = new LinkedHashMap<>();
  private final Map<String, UndecodableField> problems = new LinkedHashMap<>();

  /** The first field that did not decode (the spec's before the status's); empty when the whole object did. */
  public Optional<UndecodableField> undecodable() {
    return problems.values().stream().findFirst();
  }

  /** False when a stored status did not decode: writing a status now would replace what nobody could read. */
  public boolean statusDecoded() {
    return !problems.containsKey("status");
  }

  /** The stored value of a top-level spec field, read from the raw JSON when the spec did not decode. */
  public Optional<String> storedSpecText(String field) {
    JsonNode raw = undecoded.get("spec");
    if (raw == null || !raw.path(field).isTextual()) {
      return Optional.empty();
    }
    return Optional.of(raw.path(field).asText());
  }

  @Override
  public void setSpec(S spec) {
    super.setSpec(spec);
    forget("spec");
  }

  @Override
  public void setStatus(T status) {
    super.setStatus(status);
    forget("status");
  }

  /**
   * The parts that did not decode, serialised as they were stored. Ignored as a property, so the CRD generator
   * leaves it out of the schema; Jackson still writes its entries.
   */
  @JsonIgnore
  @JsonAnyGetter
  Map<String, JsonNode> undecodedParts() {
    return undecoded == null ? Map.of() : Collections.unmodifiableMap(undecoded);
  }

  void keepUndecoded(String part, JsonNode stored, UndecodableField problem) {
    if (stored != null && !stored.isMissingNode()) {
      undecoded.put(part, stored);
    }
    problems.put(part, problem);
  }

  private void forget(String part) {
    // the superclass constructor sets the initial spec and status before this class's fields exist
    if (undecoded != null) {
      undecoded.remove(part);
      problems.remove(part);
    }
  }
}

package dev.seedbox.api.decode;

import java.util.Objects;

/**
 * A field of a stored custom resource that our classes cannot read: the schema would have refused it, but it got
 * stored anyway (written before a schema change, an enum value a later version dropped, a cluster without schema
 * validation). Names the field, what is stored there and what was expected, so a condition can say what to fix.
 *
 * @param field the path in the resource, e.g. {@code spec.client} or {@code spec.ports[1]}
 * @param found the stored value as JSON (shortened), or {@code nothing} when the field is missing
 * @param expected what the class accepts there, e.g. {@code one of qbittorrent, transmission}
 */
public record UndecodableField(String field, String found, String expected) {

  public UndecodableField {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(found, "found");
    Objects.requireNonNull(expected, "expected");
  }

  /** Whether the field lies in the spec (the user's to fix) rather than in the status (the operator's). */
  public boolean inSpec() {
    return field.equals("spec") || field.startsWith("spec.") || field.startsWith("spec[");
  }

  /** For conditions, Events and logs: {@code spec.client must be one of …, found "utorrent"}. */
  public String message() {
    return field + " must be " + expected + ", found " + found;
  }
}

package dev.seedbox.billing.webhook;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** A webhook delivery exactly as it arrived: header values by lower-case name (the first of repeats), and the bytes. */
public record RawWebhook(Map<String, String> headers, byte[] body) {

  public RawWebhook {
    headers = headers.entrySet().stream().collect(Collectors.toUnmodifiableMap(
        e -> e.getKey().toLowerCase(Locale.ROOT), Map.Entry::getValue, (first, repeat) -> first));
    body = body.clone();
  }

  /** The header's value, or {@code null} when absent. */
  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  @Override
  public byte[] body() {
    return body.clone();
  }
}

package dev.seedbox.billing.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks CoinPayPortal's webhook signature: {@code X-CoinPay-Signature: t=<unix seconds>,v1=<hex>} where v1 is the
 * HMAC-SHA256, keyed with the UTF-8 bytes of the webhook secret, over {@code <t>.<raw body bytes>}.
 *
 * <p>The signature is checked before the timestamp so that an unauthenticated caller learns nothing about our clock,
 * and both run on the raw bytes before anything parses the body. During a secret rotation the previous secret
 * verifies too. Pure: no I/O, time from the injected clock.
 */
public final class WebhookVerifier {

  public static final String HEADER = "X-CoinPay-Signature";
  /** How far {@code t} may be from now, in either direction. */
  public static final Duration TOLERANCE = Duration.ofSeconds(300);

  private static final String HMAC = "HmacSHA256";
  private static final int SIGNATURE_BYTES = 32;
  // 12 digits reach the year 33658; longer values can only be an attack on the parser.
  private static final int MAX_TIMESTAMP_DIGITS = 12;

  private final List<SecretKeySpec> keys;
  private final Clock clock;

  /**
   * @param secret the current webhook secret
   * @param previousSecret the secret being rotated out, or {@code null} outside a rotation
   */
  public WebhookVerifier(String secret, String previousSecret, Clock clock) {
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("a webhook secret is required, found none");
    }
    List<SecretKeySpec> all = new ArrayList<>();
    all.add(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC));
    if (previousSecret != null && !previousSecret.isEmpty()) {
      all.add(new SecretKeySpec(previousSecret.getBytes(StandardCharsets.UTF_8), HMAC));
    }
    this.keys = List.copyOf(all);
    this.clock = clock;
  }

  /** Verifies one request. {@code header} is the raw header value, or {@code null} when absent. */
  public Verification verify(String header, byte[] rawBody) {
    if (header == null || header.isBlank()) {
      return new Verification.Rejected(Verification.Reason.MISSING_SIGNATURE);
    }
    ParsedHeader parsed = ParsedHeader.parse(header);
    if (parsed == null) {
      return new Verification.Rejected(Verification.Reason.MALFORMED_SIGNATURE);
    }
    if (!matchesAnyKey(parsed, rawBody)) {
      return new Verification.Rejected(Verification.Reason.SIGNATURE_MISMATCH);
    }
    long now = clock.instant().getEpochSecond();
    if (Math.abs(now - parsed.timestamp()) > TOLERANCE.toSeconds()) {
      return new Verification.Rejected(Verification.Reason.STALE_TIMESTAMP);
    }
    return new Verification.Verified(parsed.timestamp());
  }

  /** The signature header a sender would put on {@code rawBody} at {@code timestamp}; tests and fakes sign with it. */
  public static String sign(String secret, long timestamp, byte[] rawBody) {
    byte[] mac = mac(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC), timestamp, rawBody);
    return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(mac);
  }

  private boolean matchesAnyKey(ParsedHeader parsed, byte[] rawBody) {
    boolean match = false;
    // Every key against every offered signature, without an early exit, so timing says nothing about which matched.
    for (SecretKeySpec key : keys) {
      byte[] expected = mac(key, parsed.timestamp(), rawBody);
      for (byte[] offered : parsed.signatures()) {
        match |= MessageDigest.isEqual(expected, offered);
      }
    }
    return match;
  }

  private static byte[] mac(SecretKeySpec key, long timestamp, byte[] rawBody) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      mac.update(Long.toString(timestamp).getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) '.');
      return mac.doFinal(rawBody);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
    }
  }

  private record ParsedHeader(long timestamp, List<byte[]> signatures) {

    /** {@code null} when the header is not {@code t=<digits>,v1=<64 hex>[,v1=...]}. */
    static ParsedHeader parse(String header) {
      Long timestamp = null;
      List<byte[]> signatures = new ArrayList<>();
      for (String part : header.split(",", -1)) {
        int eq = part.indexOf('=');
        if (eq <= 0) {
          return null;
        }
        String key = part.substring(0, eq).trim();
        String value = part.substring(eq + 1).trim();
        switch (key) {
          case "t" -> {
            if (timestamp != null || value.isEmpty() || value.length() > MAX_TIMESTAMP_DIGITS
                || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
              return null;
            }
            timestamp = Long.parseLong(value);
          }
          case "v1" -> {
            if (value.length() != SIGNATURE_BYTES * 2 || !value.chars().allMatch(ParsedHeader::isHex)) {
              return null;
            }
            signatures.add(HexFormat.of().parseHex(value));
          }
          default -> {
            // Other schemes (a future v2) are ignored, as the sender's own verifier does.
          }
        }
      }
      if (timestamp == null || signatures.isEmpty()) {
        return null;
      }
      return new ParsedHeader(timestamp, signatures);
    }

    /** The scheme's hex is lowercase; an uppercase digest is not what the gateway sends. */
    private static boolean isHex(int c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }
  }
}

package dev.seedbox.billing.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.seedbox.billing.webhook.Verification.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class WebhookVerifierTest {

  private static final Instant NOW = Instant.parse("2025-01-15T10:35:00Z");
  private static final long T = NOW.getEpochSecond();
  private static final byte[] BODY =
      "{\"id\":\"evt_1\",\"type\":\"payment.confirmed\"}".getBytes(StandardCharsets.UTF_8);
  private final WebhookVerifier verifier =
      new WebhookVerifier("whsec_current", "whsec_previous", Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void acceptsABodySignedWithTheCurrentSecret() {
    assertThat(verifier.verify(WebhookVerifier.sign("whsec_current", T, BODY), BODY))
        .isEqualTo(new Verification.Verified(T));
  }

  @Test
  void acceptsTheGatewaysDocumentedHmacOverTimestampDotBody() throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec("whsec_current".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] signed = mac.doFinal((T + "." + new String(BODY, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
    String header = "t=" + T + ",v1=" + java.util.HexFormat.of().formatHex(signed);
    assertThat(verifier.verify(header, BODY)).isInstanceOf(Verification.Verified.class);
  }

  @Test
  void acceptsThePreviousSecretDuringRotation() {
    assertThat(verifier.verify(WebhookVerifier.sign("whsec_previous", T, BODY), BODY))
        .isInstanceOf(Verification.Verified.class);
  }

  @Test
  void rejectsThePreviousSecretOnceRotationEnded() {
    WebhookVerifier rotated = new WebhookVerifier("whsec_current", null, Clock.fixed(NOW, ZoneOffset.UTC));
    assertThat(rotated.verify(WebhookVerifier.sign("whsec_previous", T, BODY), BODY))
        .isEqualTo(new Verification.Rejected(Reason.SIGNATURE_MISMATCH));
  }

  @Test
  void rejectsAForgedBody() {
    String header = WebhookVerifier.sign("whsec_current", T, BODY);
    byte[] forged = new String(BODY, StandardCharsets.UTF_8).replace("evt_1", "evt_2").getBytes(StandardCharsets.UTF_8);
    assertThat(verifier.verify(header, forged)).isEqualTo(new Verification.Rejected(Reason.SIGNATURE_MISMATCH));
  }

  @Test
  void rejectsAWrongSecret() {
    assertThat(verifier.verify(WebhookVerifier.sign("whsec_other", T, BODY), BODY))
        .isEqualTo(new Verification.Rejected(Reason.SIGNATURE_MISMATCH));
  }

  @Test
  void rejectsATimestampMovedAfterSigning() {
    String header = WebhookVerifier.sign("whsec_current", T, BODY).replace("t=" + T, "t=" + (T + 1));
    assertThat(verifier.verify(header, BODY)).isEqualTo(new Verification.Rejected(Reason.SIGNATURE_MISMATCH));
  }

  @Test
  void acceptsExactlyThreeHundredSecondsEitherWay() {
    assertThat(verifier.verify(WebhookVerifier.sign("whsec_current", T - 300, BODY), BODY))
        .isInstanceOf(Verification.Verified.class);
    assertThat(verifier.verify(WebhookVerifier.sign("whsec_current", T + 300, BODY), BODY))
        .isInstanceOf(Verification.Verified.class);
  }

  @Test
  void rejectsATimestamp301SecondsOld() {
    assertThat(verifier.verify(WebhookVerifier.sign("whsec_current", T - 301, BODY), BODY))
        .isEqualTo(new Verification.Rejected(Reason.STALE_TIMESTAMP));
  }

  @Test
  void rejectsATimestamp301SecondsAhead() {
    assertThat(verifier.verify(WebhookVerifier.sign("whsec_current", T + 301, BODY), BODY))
        .isEqualTo(new Verification.Rejected(Reason.STALE_TIMESTAMP));
  }

  @Test
  void rejectsAMissingHeader() {
    assertThat(verifier.verify(null, BODY)).isEqualTo(new Verification.Rejected(Reason.MISSING_SIGNATURE));
    assertThat(verifier.verify("  ", BODY)).isEqualTo(new Verification.Rejected(Reason.MISSING_SIGNATURE));
  }

  @Test
  void rejectsMalformedHeaders() {
    String hex = WebhookVerifier.sign("whsec_current", T, BODY).substring(("t=" + T + ",v1=").length());
    for (String header : new String[] {
        "v1=" + hex,                          // no t
        "t=" + T,                             // no v1
        "t=abc,v1=" + hex,                    // t not a number
        "t=-5,v1=" + hex,                     // signed t
        "t=1234567890123,v1=" + hex,          // absurd t
        "t=" + T + ",v1=" + hex.substring(2), // short signature
        "t=" + T + ",v1=" + hex.replace(hex.charAt(0), 'z'), // not hex
        "t=" + T + ",t=" + T + ",v1=" + hex,  // two timestamps
        "t=" + T + "," + hex,                 // no key
        "sha256=" + hex}) {
      assertThat(verifier.verify(header, BODY)).as(header)
          .isEqualTo(new Verification.Rejected(Reason.MALFORMED_SIGNATURE));
    }
  }

  @Test
  void toleratesSpacesAfterTheCommas() {
    String header = WebhookVerifier.sign("whsec_current", T, BODY);
    assertThat(verifier.verify(header.replace(",", ", "), BODY)).isInstanceOf(Verification.Verified.class);
  }

  @Test
  void refusesUppercaseHexBecauseTheSchemeIsLowercase() {
    String header = WebhookVerifier.sign("whsec_current", T, BODY);
    String upper = header.toUpperCase(java.util.Locale.ROOT).replace("T=", "t=").replace("V1=", "v1=");
    assertThat(upper).isNotEqualTo(header);
    assertThat(verifier.verify(upper, BODY)).isEqualTo(new Verification.Rejected(Reason.MALFORMED_SIGNATURE));
  }
}

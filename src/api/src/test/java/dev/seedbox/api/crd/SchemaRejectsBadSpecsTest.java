package dev.seedbox.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each row takes a valid resource, breaks one field and expects the generated schema to refuse it. The valid
 * baseline is checked too, so a row can only pass because of the field it breaks.
 */
class SchemaRejectsBadSpecsTest {

  private static final String REMOVE = "<remove>";

  private static final String SEEDBOX = """
      {"apiVersion": "seedbox.dev/v1alpha1", "kind": "Seedbox", "metadata": {"name": "films"},
       "spec": {"accountRef": "acme-media", "plan": "starter-1tb", "provider": "digitalocean", "region": "ams3",
                "client": "qbittorrent", "suspend": false, "paused": false, "credentialsRotation": 0}}""";
  private static final String ACCOUNT = """
      {"apiVersion": "seedbox.dev/v1alpha1", "kind": "BillingAccount", "metadata": {"name": "acme-media"},
       "spec": {"owner": "ops@acme-media.example", "currency": "USD", "lowBalanceThresholdCents": 2500,
                "gracePeriodDays": 7}}""";
  private static final String BYOS = """
      {"apiVersion": "seedbox.dev/v1alpha1", "kind": "ByosConnection", "metadata": {"name": "homelab"},
       "spec": {"host": "homelab.example.net", "port": 22, "user": "seedbox", "secretStore": "kubernetes",
                "hostKeyFingerprint": "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8", "rotation": 0}}""";

  static Stream<Arguments> badSpecs() {
    return Stream.of(
        row("seedbox without accountRef", SEEDBOX, "accountRef", REMOVE),
        row("seedbox accountRef with capitals and underscore", SEEDBOX, "accountRef", "\"Acme_Media\""),
        row("seedbox accountRef empty", SEEDBOX, "accountRef", "\"\""),
        row("seedbox without plan", SEEDBOX, "plan", REMOVE),
        row("seedbox plan as a number", SEEDBOX, "plan", "42"),
        row("seedbox unknown client", SEEDBOX, "client", "\"utorrent\""),
        row("seedbox unknown provider", SEEDBOX, "provider", "\"aws\""),
        row("seedbox region with spaces", SEEDBOX, "region", "\"ams 3\""),
        row("seedbox byosConnectionRef with a space", SEEDBOX, "byosConnectionRef", "\"my server\""),
        row("seedbox suspend as a string", SEEDBOX, "suspend", "\"yes\""),
        row("seedbox negative credentialsRotation", SEEDBOX, "credentialsRotation", "-1"),
        row("account without owner", ACCOUNT, "owner", REMOVE),
        row("account empty owner", ACCOUNT, "owner", "\"\""),
        row("account lowercase currency", ACCOUNT, "currency", "\"usd\""),
        row("account two-letter currency", ACCOUNT, "currency", "\"US\""),
        row("account negative threshold", ACCOUNT, "lowBalanceThresholdCents", "-1"),
        row("account fractional threshold", ACCOUNT, "lowBalanceThresholdCents", "10.5"),
        row("account negative grace period", ACCOUNT, "gracePeriodDays", "-1"),
        row("byos port 0", BYOS, "port", "0"),
        row("byos port 70000", BYOS, "port", "70000"),
        row("byos port as a string", BYOS, "port", "\"22\""),
        row("byos without host", BYOS, "host", REMOVE),
        row("byos empty host", BYOS, "host", "\"\""),
        row("byos host with a space", BYOS, "host", "\"my host\""),
        row("byos host with a shell metacharacter", BYOS, "host", "\"example.net;reboot\""),
        row("byos without user", BYOS, "user", REMOVE),
        row("byos empty user", BYOS, "user", "\"\""),
        row("byos unknown secretStore", BYOS, "secretStore", "\"aws-kms\""),
        row("byos fingerprint not SHA256", BYOS, "hostKeyFingerprint", "\"MD5:ab:cd\""),
        row("byos accepted host key not SHA256", BYOS, "acceptHostKeyFingerprint", "\"SHA256:short\""),
        row("byos negative rotation", BYOS, "rotation", "-2"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSpecs")
  void schemaRejects(String description, String valid, String field, String value) throws Exception {
    JsonNode baseline = GeneratedCrds.YAML.readTree(valid);
    assertThat(CrdSchema.errors(baseline)).as("baseline must be valid").isEmpty();

    ObjectNode broken = baseline.deepCopy();
    ObjectNode spec = (ObjectNode) broken.get("spec");
    if (REMOVE.equals(value)) {
      spec.remove(field);
    } else {
      spec.set(field, GeneratedCrds.YAML.readTree(value));
    }
    assertThat(CrdSchema.errors(broken)).as(description).isNotEmpty()
        .anySatisfy(message -> assertThat(message).contains(field));
  }

  private static Arguments row(String description, String valid, String field, String value) {
    return Arguments.of(description, valid, field, value);
  }
}

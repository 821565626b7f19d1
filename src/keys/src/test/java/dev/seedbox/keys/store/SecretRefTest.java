package dev.seedbox.keys.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.seedbox.api.v1alpha1.SecretStoreKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SecretRefTest {

  @Test
  void parsesAKubernetesReference() {
    SecretRef ref = SecretRef.parse("kubernetes:tenant-a/home-key-2#ssh-privatekey");

    assertThat(ref).isEqualTo(new KubernetesSecretRef("tenant-a", "home-key-2", "ssh-privatekey"));
    assertThat(ref.kind()).isEqualTo(SecretStoreKind.KUBERNETES);
  }

  @Test
  void parsesAVaultReferenceWithANestedPath() {
    SecretRef ref = SecretRef.parse("vault:secret/seedbox/byos/tenant-a/home-key-2#7");

    assertThat(ref).isEqualTo(new VaultSecretRef("secret", "seedbox/byos/tenant-a/home-key-2", 7));
    assertThat(ref.kind()).isEqualTo(SecretStoreKind.VAULT);
  }

  @ParameterizedTest
  @ValueSource(strings = {"kubernetes:tenant-a/home-key-0#ssh-privatekey", "vault:kv/a/b.c_d-e#12"})
  void textFormReadsBackToTheSameReference(String text) {
    assertThat(SecretRef.parse(text).value()).isEqualTo(text);
    assertThat(SecretRef.parse(text).toString()).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''|expected kubernetes:<namespace>/<name>#<key> or vault:<mount>/<path>#<version>, found nothing",
      "tenant-a/home#key|expected a store prefix 'kubernetes:' or 'vault:' in 'tenant-a/home#key'",
      "s3:bucket/key#1|expected store prefix 'kubernetes' or 'vault', found 's3' in 's3:bucket/key#1'",
      "kubernetes:tenant-a/home|expected '#<key>' at the end of 'kubernetes:tenant-a/home'",
      "kubernetes:home#ssh-privatekey|expected kubernetes:<namespace>/<name>#<key>, found 'kubernetes:home#ssh-privatekey'",
      "kubernetes:a/b/c#k|expected kubernetes:<namespace>/<name>#<key>, found 'kubernetes:a/b/c#k'",
      "kubernetes:Tenant/home#k|expected a namespace (RFC 1123 label, at most 63 characters), found 'Tenant'",
      "kubernetes:t/home_1#k|expected a Secret name (RFC 1123 subdomain, at most 253 characters), found 'home_1'",
      "kubernetes:t/home#a b|expected a Secret data key ([-._a-zA-Z0-9]+), found 'a b'",
      "vault:secret/path#latest|expected a numeric Vault version after '#', found 'latest' in 'vault:secret/path#latest'",
      "vault:secret/path#0|expected a Vault version of at least 1, found 0",
      "vault:secret#1|expected vault:<mount>/<path>#<version>, found 'vault:secret#1'",
      "vault:secret/../sys#1|expected a Vault path (segments of [A-Za-z0-9_.-] separated by '/'), found '../sys'",
      "vault:secret/a//b#1|expected a Vault path (segments of [A-Za-z0-9_.-] separated by '/'), found 'a//b'",
  })
  void badReferencesFailWithAMessageNamingWhatWasExpected(String text, String message) {
    assertThatThrownBy(() -> SecretRef.parse(text))
        .isInstanceOf(SecretRefParseException.class)
        .hasMessage(message);
  }
}

package dev.seedbox.operator.byos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.seedbox.api.status.Condition;
import dev.seedbox.api.v1alpha1.ByosConnection;
import dev.seedbox.api.v1alpha1.ByosConnectionSpec;
import dev.seedbox.api.v1alpha1.ByosPhase;
import dev.seedbox.api.v1alpha1.SecretStoreKind;
import dev.seedbox.operator.harness.AccountsOperatorFixture;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An operator without Vault refuses a connection that asks for it, and issues no key anywhere else instead. */
class ByosConnectionWithoutVaultTest {

  @RegisterExtension
  static final AccountsOperatorFixture harness = new AccountsOperatorFixture(false);

  private static final String NS = "customer-d";

  @Test
  void aConnectionAskingForVaultFailsWithVaultNotConfiguredAndNoKeyIsIssued() {
    ByosConnectionSpec spec = new ByosConnectionSpec();
    spec.setHost("127.0.0.1");
    spec.setPort(harness.ssh().port());
    spec.setUser("seedbox");
    spec.setSecretStore(SecretStoreKind.VAULT);
    ByosConnection resource = new ByosConnection();
    resource.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName("vault-wanted").build());
    resource.setSpec(spec);
    resource.setStatus(null);
    harness.create(resource);

    ByosConnection failed = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> harness.client().resources(ByosConnection.class).inNamespace(NS).withName("vault-wanted").get(),
            c -> c != null && c.getStatus() != null && c.getStatus().getPhase() == ByosPhase.FAILED);

    Condition ready = failed.getStatus().findCondition("Ready").orElseThrow();
    assertThat(ready.getReason()).isEqualTo("VaultNotConfigured");
    assertThat(ready.getMessage()).contains("SEEDBOX_VAULT_ADDR");
    assertThat(failed.getStatus().getPublicKey()).as("no key issued").isNull();
    assertThat(failed.getStatus().getSecretRef()).isNull();
    assertThat(harness.client().secrets().inNamespace(NS).list().getItems())
        .as("no fallback to a Kubernetes Secret").isEmpty();
    assertThat(harness.vault().requests()).as("the unconfigured Vault was never called").isEmpty();
    assertThat(harness.eventsFor(NS, "vault-wanted")).extracting(Event::getReason).contains("VaultNotConfigured");
  }
}

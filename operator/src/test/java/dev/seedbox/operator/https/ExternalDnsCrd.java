package dev.seedbox.operator.https;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** external-dns's DNSEndpoint CRD, registered on the mock API as external-dns's installation would (our chart does not). */
public final class ExternalDnsCrd {

  private ExternalDnsCrd() {
  }

  public static void register(KubernetesClient client) {
    CustomResourceDefinition crd = new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName("dnsendpoints.externaldns.k8s.io").endMetadata()
        .withNewSpec().withGroup("externaldns.k8s.io").withScope("Namespaced")
        .withNewNames().withKind("DNSEndpoint").withPlural("dnsendpoints").withSingular("dnsendpoint").endNames()
        .addNewVersion().withName("v1alpha1").withServed(true).withStorage(true)
        .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
        .endOpenAPIV3Schema().endSchema().endVersion()
        .endSpec().build();
    client.apiextensions().v1().customResourceDefinitions().resource(crd).createOr(existing -> existing.update());
  }
}

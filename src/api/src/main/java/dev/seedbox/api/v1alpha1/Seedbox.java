package dev.seedbox.api.v1alpha1;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.seedbox.api.decode.TolerantDecoder;
import dev.seedbox.api.decode.TolerantResource;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** A seedbox a customer ordered: a server running a BitTorrent client with a web UI. */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Kind("Seedbox")
@Singular("seedbox")
@Plural("seedboxes")
@ShortNames("sb")
@Categories(ApiGroup.CATEGORY)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Plan", jsonPath = ".spec.plan")
@AdditionalPrinterColumn(name = "Provider", jsonPath = ".spec.provider")
@AdditionalPrinterColumn(name = "Region", jsonPath = ".spec.region", priority = 1)
@AdditionalPrinterColumn(name = "Paid-Through", jsonPath = ".status.paidThrough",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Web-UI", jsonPath = ".status.endpoint.webUiUrl")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@JsonDeserialize(using = Seedbox.Decoder.class)
public class Seedbox extends TolerantResource<SeedboxSpec, SeedboxStatus> implements Namespaced {

  @Override
  protected SeedboxStatus initStatus() {
    return new SeedboxStatus();
  }

  /** Decodes a stored Seedbox even when its spec or status does not fit these classes. */
  public static final class Decoder extends TolerantDecoder<Seedbox, SeedboxSpec, SeedboxStatus> {
    public Decoder() {
      super(Seedbox.class, Seedbox::new, SeedboxSpec.class, SeedboxStatus.class);
    }
  }
}

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

/** A customer's own server that we reach over SSH with a key we generated for it (bring your own server). */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Kind("ByosConnection")
@Singular("byosconnection")
@Plural("byosconnections")
@ShortNames("byos")
@Categories(ApiGroup.CATEGORY)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Host", jsonPath = ".spec.host")
@AdditionalPrinterColumn(name = "User", jsonPath = ".spec.user", priority = 1)
@AdditionalPrinterColumn(name = "Fingerprint", jsonPath = ".status.fingerprint", priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@JsonDeserialize(using = ByosConnection.Decoder.class)
public class ByosConnection extends TolerantResource<ByosConnectionSpec, ByosConnectionStatus> implements Namespaced {

  @Override
  protected ByosConnectionStatus initStatus() {
    return new ByosConnectionStatus();
  }

  /** Decodes a stored ByosConnection even when its spec or status does not fit these classes. */
  public static final class Decoder extends TolerantDecoder<ByosConnection, ByosConnectionSpec, ByosConnectionStatus> {
    public Decoder() {
      super(ByosConnection.class, ByosConnection::new, ByosConnectionSpec.class, ByosConnectionStatus.class);
    }
  }
}

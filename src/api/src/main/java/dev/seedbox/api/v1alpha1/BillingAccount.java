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

/** A customer's prepaid credit account. The ledger in PostgreSQL is the truth; the status is its projection. */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Kind("BillingAccount")
@Singular("billingaccount")
@Plural("billingaccounts")
@ShortNames("ba")
@Categories(ApiGroup.CATEGORY)
@AdditionalPrinterColumn(name = "State", jsonPath = ".status.state")
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Balance-Cents", jsonPath = ".status.balanceCents",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Burn-Cents", jsonPath = ".status.monthlyBurnCents",
    type = AdditionalPrinterColumn.Type.INTEGER, priority = 1)
@AdditionalPrinterColumn(name = "Runway-Days", jsonPath = ".status.runwayDays",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Owner", jsonPath = ".spec.owner", priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@JsonDeserialize(using = BillingAccount.Decoder.class)
public class BillingAccount extends TolerantResource<BillingAccountSpec, BillingAccountStatus> implements Namespaced {

  @Override
  protected BillingAccountStatus initStatus() {
    return new BillingAccountStatus();
  }

  /** Decodes a stored BillingAccount even when its spec or status does not fit these classes. */
  public static final class Decoder extends TolerantDecoder<BillingAccount, BillingAccountSpec, BillingAccountStatus> {
    public Decoder() {
      super(BillingAccount.class, BillingAccount::new, BillingAccountSpec.class, BillingAccountStatus.class);
    }
  }
}

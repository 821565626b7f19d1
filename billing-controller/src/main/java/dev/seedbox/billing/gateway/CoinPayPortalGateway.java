package dev.seedbox.billing.gateway;

import dev.seedbox.billing.webhook.MalformedWebhookException;
import dev.seedbox.billing.webhook.RawWebhook;
import dev.seedbox.billing.webhook.Verification;
import dev.seedbox.billing.webhook.WebhookEvent;
import dev.seedbox.billing.webhook.WebhookVerdict;
import dev.seedbox.billing.webhook.WebhookVerifier;
import java.util.regex.Pattern;

/**
 * CoinPayPortal as a {@link PaymentGateway}: its payment API ({@link CoinPayPortalClient}) and its webhooks, signed
 * in {@code x-coinpay-signature} ({@link WebhookVerifier}), for our business only, with the documented
 * {@code x-coinpay-event} and {@code x-coinpay-delivery} headers.
 */
public final class CoinPayPortalGateway implements PaymentGateway {

  public static final String NAME = "coinpayportal";
  public static final String EVENT_HEADER = "x-coinpay-event";
  public static final String DELIVERY_HEADER = "x-coinpay-delivery";

  // the delivery headers are not signed: anything else is dropped rather than logged
  private static final Pattern SAFE_HEADER = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private final CoinPayPortalClient api;
  private final WebhookVerifier verifier;
  private final String businessId;

  public CoinPayPortalGateway(CoinPayPortalClient api, WebhookVerifier verifier, String businessId) {
    this.api = api;
    this.verifier = verifier;
    this.businessId = businessId;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public GatewayPayment create(CreatePayment request) {
    return api.create(request);
  }

  @Override
  public GatewayPayment get(String gatewayPaymentId) {
    return api.get(gatewayPaymentId);
  }

  @Override
  public WebhookVerdict verify(RawWebhook delivery) {
    byte[] body = delivery.body();
    Verification verification = verifier.verify(delivery.header(WebhookVerifier.HEADER), body);
    if (verification instanceof Verification.Rejected rejected) {
      return new WebhookVerdict.Refused(401, rejected.reason().tag(), "signature rejected: " + rejected.reason().tag());
    }
    WebhookEvent event;
    try {
      event = WebhookEvent.parse(body);
    } catch (MalformedWebhookException e) {
      return new WebhookVerdict.Refused(400, "malformed_body", e.getMessage());
    }
    if (!businessId.equals(event.businessId())) {
      return new WebhookVerdict.Refused(400, "foreign_business", "business_id does not match ours");
    }
    return new WebhookVerdict.Accepted(event,
        new WebhookVerdict.Delivery(safe(delivery.header(EVENT_HEADER)), safe(delivery.header(DELIVERY_HEADER))));
  }

  private static String safe(String header) {
    return header != null && SAFE_HEADER.matcher(header).matches() ? header : "";
  }
}

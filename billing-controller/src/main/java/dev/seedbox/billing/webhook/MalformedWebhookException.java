package dev.seedbox.billing.webhook;

/** A correctly signed body whose envelope is not what the gateway sends: answered with 400, nothing written. */
public class MalformedWebhookException extends RuntimeException {

  public MalformedWebhookException(String message) {
    super(message);
  }
}

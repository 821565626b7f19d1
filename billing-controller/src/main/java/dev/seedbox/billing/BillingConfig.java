package dev.seedbox.billing;

import dev.seedbox.runtime.Command;
import dev.seedbox.runtime.DatabaseSettings;
import dev.seedbox.runtime.Environment;
import java.net.URI;
import java.time.Duration;

/**
 * The billing-controller's settings, read from the variables in docs/configuration.md. {@link #read} records every
 * problem in the {@link Environment}; the caller runs {@link Environment#check()} once afterwards.
 *
 * @param webhookSecretPrevious the secret being rotated out, or "" outside a rotation
 */
public record BillingConfig(
    Command command, DatabaseSettings database, int httpPort, String apiToken, URI gatewayUrl, String gatewayApiKey,
    String businessId, String webhookSecret, String webhookSecretPrevious, int webhookMaxBytes, int webhookWriters,
    Duration gatewayTimeout, Duration billingInterval, Duration paymentPollAfter) {

  /** A bearer token shorter than this is guessable; Secrets are generated, so the floor costs nobody anything. */
  public static final int MIN_API_TOKEN_LENGTH = 16;
  /** How long a stopping server waits for requests in flight; under Kubernetes' default 30 s grace period. */
  public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(25);

  public static BillingConfig read(Environment env, Command command) {
    DatabaseSettings database = DatabaseSettings.read(env, command);
    int httpPort = env.integer("SEEDBOX_HTTP_PORT", 8080, 1, 65535);
    if (command == Command.MIGRATE) {
      // migrate only talks to PostgreSQL: a migration Job must not need the gateway's secrets.
      return new BillingConfig(command, database, httpPort, "", URI.create("https://coinpayportal.com"), "", "", "",
          "", 65536, 2, Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMinutes(15));
    }
    String apiToken = env.required("SEEDBOX_API_TOKEN", "bearer token for /v1 (Secret seedbox-api-token, key token)");
    if (!apiToken.isEmpty() && apiToken.length() < MIN_API_TOKEN_LENGTH) {
      env.problem("SEEDBOX_API_TOKEN must be at least " + MIN_API_TOKEN_LENGTH + " characters, found a shorter one");
    }
    URI gatewayUrl = env.url("SEEDBOX_COINPAYPORTAL_API_URL", "https://coinpayportal.com");
    String apiKey = env.required("SEEDBOX_COINPAYPORTAL_API_KEY", "CoinPayPortal API key (Secret seedbox-coinpayportal)");
    String businessId = env.required("SEEDBOX_COINPAYPORTAL_BUSINESS_ID", "our business id at CoinPayPortal");
    String secret = env.required("SEEDBOX_COINPAYPORTAL_WEBHOOK_SECRET", "CoinPayPortal webhook signing secret");
    String previous = env.optional("SEEDBOX_COINPAYPORTAL_WEBHOOK_SECRET_PREVIOUS").orElse("");
    int maxBytes = env.integer("SEEDBOX_WEBHOOK_MAX_BYTES", 65536, 1024, 16 * 1024 * 1024);
    int writers = env.integer("SEEDBOX_WEBHOOK_WRITERS", 2, 1, 64);
    if (writers >= database.poolSize()) {
      // the top-up route, the account route and the billing worker need connections too
      env.problem("SEEDBOX_WEBHOOK_WRITERS must be below SEEDBOX_DB_POOL_SIZE (" + database.poolSize()
          + "), found " + writers);
    }
    Duration timeout = env.duration("SEEDBOX_GATEWAY_TIMEOUT", Duration.ofSeconds(10));
    Duration interval = env.duration("SEEDBOX_BILLING_INTERVAL", Duration.ofMinutes(5));
    Duration pollAfter = env.duration("SEEDBOX_PAYMENT_POLL_AFTER", Duration.ofMinutes(15));
    return new BillingConfig(command, database, httpPort, apiToken, gatewayUrl, apiKey, businessId, secret, previous,
        maxBytes, writers, timeout, interval, pollAfter);
  }

  /** Secrets never reach a log line. */
  @Override
  public String toString() {
    return "BillingConfig[command=" + command + ", database=" + database + ", httpPort=" + httpPort
        + ", gatewayUrl=" + gatewayUrl + ", businessId=" + businessId
        + ", webhookSecretPrevious=" + (webhookSecretPrevious.isEmpty() ? "unset" : "set")
        + ", webhookMaxBytes=" + webhookMaxBytes + ", webhookWriters=" + webhookWriters
        + ", gatewayTimeout=" + gatewayTimeout
        + ", billingInterval=" + billingInterval + ", paymentPollAfter=" + paymentPollAfter + "]";
  }
}

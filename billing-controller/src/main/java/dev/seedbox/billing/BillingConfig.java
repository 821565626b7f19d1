package dev.seedbox.billing;

import dev.seedbox.billing.cycle.PendingPaymentPoll;
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
    Duration gatewayTimeout, Duration billingInterval, PendingPaymentPoll.Settings poll, Duration drainBudget,
    int underpaymentTolerancePercent) {

  /** A bearer token shorter than this is guessable; Secrets are generated, so the floor costs nobody anything. */
  public static final int MIN_API_TOKEN_LENGTH = 16;
  /** How long stopping may take in all; under Kubernetes' default 30 s grace period (the chart sets both). */
  public static final Duration DEFAULT_DRAIN_BUDGET = Duration.ofSeconds(25);
  /** CoinPayPortal allows about 100 requests a minute; the poll stays below it and leaves room for top-ups. */
  public static final int MAX_POLL_RATE = 90;

  private static final PendingPaymentPoll.Settings DEFAULT_POLL = new PendingPaymentPoll.Settings(
      Duration.ofMinutes(15), Duration.ofMinutes(1), 25, 30, Duration.ofHours(1), Duration.ofDays(2));

  public static BillingConfig read(Environment env, Command command) {
    DatabaseSettings database = DatabaseSettings.read(env, command);
    int httpPort = env.integer("SEEDBOX_HTTP_PORT", 8080, 1, 65535);
    if (command == Command.MIGRATE) {
      // migrate only talks to PostgreSQL: a migration Job must not need the gateway's secrets.
      return new BillingConfig(command, database, httpPort, "", URI.create("https://coinpayportal.com"), "", "", "",
          "", 65536, 2, Duration.ofSeconds(10), Duration.ofMinutes(5), DEFAULT_POLL, DEFAULT_DRAIN_BUDGET, 1);
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
    PendingPaymentPoll.Settings poll = new PendingPaymentPoll.Settings(
        env.duration("SEEDBOX_PAYMENT_POLL_AFTER", DEFAULT_POLL.pollAfter()),
        env.duration("SEEDBOX_PAYMENT_POLL_INTERVAL", DEFAULT_POLL.interval()),
        env.integer("SEEDBOX_PAYMENT_POLL_BATCH", DEFAULT_POLL.batch(), 1, 1000),
        env.integer("SEEDBOX_PAYMENT_POLL_RATE", DEFAULT_POLL.requestsPerMinute(), 1, MAX_POLL_RATE),
        env.duration("SEEDBOX_PAYMENT_POLL_GIVE_UP_MARGIN", DEFAULT_POLL.giveUpMargin()),
        env.duration("SEEDBOX_PAYMENT_POLL_MAX_AGE", DEFAULT_POLL.maxAge()));
    Duration drain = env.duration("SEEDBOX_DRAIN_BUDGET", DEFAULT_DRAIN_BUDGET);
    if (drain.compareTo(timeout) <= 0) {
      // a request waiting on the gateway must be able to finish within the drain
      env.problem("SEEDBOX_DRAIN_BUDGET must be longer than SEEDBOX_GATEWAY_TIMEOUT (" + timeout + "), found "
          + drain);
    }
    int tolerance = env.integer("SEEDBOX_UNDERPAYMENT_TOLERANCE_PERCENT", 1, 0, 50);
    return new BillingConfig(command, database, httpPort, apiToken, gatewayUrl, apiKey, businessId, secret, previous,
        maxBytes, writers, timeout, interval, poll, drain, tolerance);
  }

  /** Secrets never reach a log line. */
  @Override
  public String toString() {
    return "BillingConfig[command=" + command + ", database=" + database + ", httpPort=" + httpPort
        + ", gatewayUrl=" + gatewayUrl + ", businessId=" + businessId
        + ", webhookSecretPrevious=" + (webhookSecretPrevious.isEmpty() ? "unset" : "set")
        + ", webhookMaxBytes=" + webhookMaxBytes + ", webhookWriters=" + webhookWriters
        + ", gatewayTimeout=" + gatewayTimeout
        + ", billingInterval=" + billingInterval + ", poll=" + poll + ", drainBudget=" + drainBudget
        + ", underpaymentTolerancePercent=" + underpaymentTolerancePercent + "]";
  }
}

package dev.seedbox.provisioning;

import java.time.Duration;
import java.util.Optional;

/** A provider call that may succeed later; the caller requeues, after {@link #retryAfter()} when it is known. */
public final class RetryableProviderException extends ProviderException {

  /** Why the call may succeed later. */
  public enum Cause {
    /** 429: the provider asked us to wait. */
    RATE_LIMITED,
    /** 5xx. */
    SERVER_ERROR,
    /** No answer in time, or the connection broke. */
    TIMEOUT,
    /** An answer we could not read (not JSON, truncated, fields missing). */
    MALFORMED_RESPONSE,
    /** The server is busy with another action, or not in a state this step can use yet. */
    BUSY
  }

  private final Cause reason;
  private final Duration retryAfter;

  public RetryableProviderException(Cause reason, String message, Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.retryAfter = retryAfter;
  }

  public RetryableProviderException(Cause reason, String message) {
    this(reason, message, null, null);
  }

  public Cause reason() {
    return reason;
  }

  /** The wait the provider asked for, if it named one. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}

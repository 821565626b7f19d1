package dev.seedbox.provisioning.http;

/**
 * What a provider's 4xx answer means for the caller. The HTTP status alone is not enough: DigitalOcean answers a
 * droplet busy with another action with 422, and Hetzner answers both a token without permission and a protected
 * resource with 403.
 */
@FunctionalInterface
public interface ErrorClassifier {

  /** How a refused call goes on. */
  enum Refusal {
    /** The resource is busy with another action: retry with back-off. */
    BUSY,
    /** The provider refuses our token: the operator's configuration, retried with back-off and reported. */
    UNAUTHORIZED,
    /** The request will never work as it is: report the provider's message. */
    PERMANENT
  }

  Refusal classify(int httpStatus, ProviderError error);

  /** What both APIs share: 401 is our token, 423 a lock, 409 {@code conflict} a concurrent change. */
  static Refusal common(int httpStatus, ProviderError error) {
    if (httpStatus == 401) {
      return Refusal.UNAUTHORIZED;
    }
    if (httpStatus == 423 || (httpStatus == 409 && "conflict".equals(error.code()))) {
      return Refusal.BUSY;
    }
    return Refusal.PERMANENT;
  }
}

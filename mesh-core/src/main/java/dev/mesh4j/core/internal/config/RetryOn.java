package dev.mesh4j.core.internal.config;

import java.util.Set;

/** The retry conditions Envoy (and so Istio) accepts in {@code retryOn}. */
final class RetryOn {
  private RetryOn() {}

  static final Set<String> HTTP = Set.of("5xx", "gateway-error", "reset", "reset-before-request",
      "connect-failure", "envoy-ratelimited", "retriable-4xx", "refused-stream",
      "retriable-status-codes", "retriable-headers", "http3-post-connect-failure");
  static final Set<String> GRPC = Set.of("cancelled", "deadline-exceeded", "internal",
      "resource-exhausted", "unavailable");

  static void validate(Node at, String retryOn) {
    for (String raw : retryOn.split(",", -1)) {
      String policy = raw.trim();
      if (HTTP.contains(policy) || GRPC.contains(policy)) {
        continue;
      }
      if (policy.matches("\\d{1,3}")) {
        int code = Integer.parseInt(policy);
        if (code >= 100 && code <= 599) {
          continue;
        }
      }
      at.error("\"" + policy + "\" is not a valid retryOn policy");
    }
  }
}

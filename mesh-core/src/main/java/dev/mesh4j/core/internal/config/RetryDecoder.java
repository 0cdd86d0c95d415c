package dev.mesh4j.core.internal.config;

import dev.mesh4j.core.internal.common.Quoting;
import dev.mesh4j.api.config.HttpRetry;
import java.time.Duration;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Decodes {@code HTTPRetry}, checked as Istio's {@code agent.ValidateHTTPRetry}. Stateless. */
final class RetryDecoder {
  private RetryDecoder() {}

  /** The {@code x-envoy-retry-on} and {@code x-envoy-retry-grpc-on} conditions Istio accepts. */
  static final Set<String> POLICIES = Set.of("5xx", "gateway-error", "reset",
      "reset-before-request", "connect-failure", "retriable-4xx", "refused-stream",
      "retriable-status-codes", "retriable-headers", "envoy-ratelimited",
      "http3-post-connect-failure", "cancelled", "deadline-exceeded", "internal",
      "resource-exhausted", "unavailable");

  /**
   * The status codes Go's {@code net/http.StatusText} knows: Istio accepts a number in
   * {@code retryOn} only if it is one of them (so 600 or 999 are rejected).
   */
  private static final Set<Integer> KNOWN_STATUS = Set.of(100, 101, 102, 103,
      200, 201, 202, 203, 204, 205, 206, 207, 208, 226,
      300, 301, 302, 303, 304, 305, 307, 308,
      400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417,
      418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451,
      500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511);

  static @Nullable HttpRetry retries(Node n) {
    if (!n.expectObject()) {
      return null;
    }
    Node a = n.get("attempts");
    Integer attempts = a.asInt32();
    if (attempts != null && attempts < 0) {
      a.error("attempts cannot be negative (" + attempts + ")");
    }
    Node perTryNode = n.get("perTryTimeout");
    String retryOn = n.text("retryOn");
    Node remoteNode = n.get("retryRemoteLocalities");
    // Negative attempts (an error of their own) count as 0, as Istio's check reads them.
    if ((attempts == null || attempts <= 0)
        && (!perTryNode.isMissing() || !retryOn.isEmpty() || !remoteNode.isMissing())) {
      n.error("http retry policy configured when attempts are set to 0 (disabled)");
    }
    Duration perTry = perTryNode.asDuration(false);
    if (!retryOn.isEmpty()) {
      checkRetryOn(n.get("retryOn"), retryOn);
    }
    Boolean remote = remoteNode.asBoolean();
    Boolean ignorePrevious = n.bool("retryIgnorePreviousHosts");
    Duration backoff = n.duration("backoff");
    return new HttpRetry(attempts == null ? 0 : attempts, perTry,
        retryOn.isEmpty() ? null : retryOn, remote, ignorePrevious, backoff);
  }

  /**
   * Each comma-separated condition must be known, or a status code. Istio splits on ',' and does
   * not trim, so {@code "5xx, reset"} is invalid (" reset"), as is a trailing comma.
   */
  private static void checkRetryOn(Node at, String retryOn) {
    for (String policy : retryOn.split(",", -1)) {
      if (!POLICIES.contains(policy) && !isKnownStatus(policy)) {
        at.error(Quoting.quote(policy) + " is not a valid retryOn policy");
      }
    }
  }

  /** Go's {@code strconv.Atoi} (optional sign, digits) and {@code StatusText(i) != ""}. */
  private static boolean isKnownStatus(String s) {
    if (!s.matches("[+-]?[0-9]{1,9}")) {
      return false;
    }
    return KNOWN_STATUS.contains(Integer.parseInt(s.startsWith("+") ? s.substring(1) : s));
  }
}

package dev.mesh4j.core.internal.resilience;

import dev.mesh4j.api.config.HttpRetry;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A route's retry policy as Istio programs Envoy ({@code pilot/pkg/networking/core/route/retry/
 * retry.go} {@code ConvertPolicy}) and as Envoy's router applies it. Immutable.
 *
 * <p>No {@code retries} field: Istio's default, 2 retries on
 * {@code connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes} with no
 * status codes listed (so a 503 response is not retried, a connect failure is), preferring
 * endpoints not tried yet, up to 5 host selections. {@code attempts: 0}: no retries.
 */
public final class RetryPolicy {
  /** Istio's default {@code retryOn}. */
  public static final String DEFAULT_RETRY_ON =
      "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes";
  /** Envoy's default back-off base interval. */
  public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(25);

  /** No retries at all. */
  public static final RetryPolicy NONE = new RetryPolicy(0, null, DEFAULT_RETRY_ON, DEFAULT_BACKOFF, false);

  // Istio's default policy, shared by every route that sets no retries (most of them).
  private static final RetryPolicy DEFAULT = new RetryPolicy(2, null, DEFAULT_RETRY_ON, DEFAULT_BACKOFF, true);
  private static final RetryPolicy DEFAULT_HASHED =
      new RetryPolicy(2, null, DEFAULT_RETRY_ON, DEFAULT_BACKOFF, false);

  // Retry conditions (Envoy's retry_on), one bit each.
  static final int FIVE_XX = 1;
  static final int GATEWAY_ERROR = 1 << 1;
  static final int RESET = 1 << 2;
  static final int CONNECT_FAILURE = 1 << 3;
  static final int RETRIABLE_4XX = 1 << 4;
  static final int REFUSED_STREAM = 1 << 5;
  static final int RETRIABLE_STATUS_CODES = 1 << 6;
  static final int RESET_BEFORE_REQUEST = 1 << 7;
  static final int GRPC_CANCELLED = 1 << 8;
  static final int GRPC_DEADLINE_EXCEEDED = 1 << 9;
  static final int GRPC_INTERNAL = 1 << 10;
  static final int GRPC_RESOURCE_EXHAUSTED = 1 << 11;
  static final int GRPC_UNAVAILABLE = 1 << 12;

  private final int attempts;
  private final @Nullable Duration perTryTimeout;
  private final String retryOn;
  private final int conditions;
  private final Set<Integer> statusCodes;
  private final Duration backoffBase;
  private final Duration backoffMax;
  private final boolean avoidPreviousHosts;

  private RetryPolicy(int attempts, @Nullable Duration perTryTimeout, String retryOn, Duration backoff,
      boolean avoidPreviousHosts) {
    this.attempts = attempts;
    this.perTryTimeout = perTryTimeout;
    this.retryOn = retryOn;
    int c = 0;
    Set<Integer> codes = new HashSet<>();
    for (String raw : retryOn.split(",")) {
      String token = raw.trim().toLowerCase(Locale.ROOT);
      switch (token) {
        case "5xx" -> c |= FIVE_XX;
        case "gateway-error" -> c |= GATEWAY_ERROR;
        case "reset" -> c |= RESET;
        case "reset-before-request" -> c |= RESET_BEFORE_REQUEST;
        case "connect-failure" -> c |= CONNECT_FAILURE;
        case "retriable-4xx" -> c |= RETRIABLE_4XX;
        case "refused-stream" -> c |= REFUSED_STREAM;
        case "retriable-status-codes" -> c |= RETRIABLE_STATUS_CODES;
        case "cancelled" -> c |= GRPC_CANCELLED;
        case "deadline-exceeded" -> c |= GRPC_DEADLINE_EXCEEDED;
        case "internal" -> c |= GRPC_INTERNAL;
        case "resource-exhausted" -> c |= GRPC_RESOURCE_EXHAUSTED;
        case "unavailable" -> c |= GRPC_UNAVAILABLE;
        default -> {
          if (!token.isEmpty() && token.chars().allMatch(Character::isDigit)) {
            // Istio turns status numbers into retriable_status_codes and adds the condition.
            codes.add(Integer.parseInt(token));
            c |= RETRIABLE_STATUS_CODES;
          }
          // envoy-ratelimited, retriable-headers, http3-post-connect-failure: nothing in-process
          // produces those conditions, so they never fire.
        }
      }
    }
    this.conditions = c;
    this.statusCodes = Set.copyOf(codes);
    this.backoffBase = backoff;
    this.backoffMax = backoff.multipliedBy(10);
    this.avoidPreviousHosts = avoidPreviousHosts;
  }

  /**
   * The policy of a route.
   *
   * @param retries the route's {@code retries}, or null for Istio's default
   * @param consistentHash whether the route has one destination whose cluster hashes: Istio
   *     then leaves out the previous-hosts predicate so retries stay on the hashed endpoint
   */
  public static RetryPolicy of(@Nullable HttpRetry retries, boolean consistentHash) {
    if (retries == null) {
      return consistentHash ? DEFAULT_HASHED : DEFAULT;
    }
    if (retries.attempts() <= 0) {
      return NONE;
    }
    boolean avoid = retries.retryIgnorePreviousHosts() != null
        ? !retries.retryIgnorePreviousHosts()
        : !consistentHash;
    return new RetryPolicy(retries.attempts(), retries.perTryTimeout(),
        retries.retryOn() == null ? DEFAULT_RETRY_ON : retries.retryOn(),
        retries.backoff() == null ? DEFAULT_BACKOFF : retries.backoff(), avoid);
  }

  /** How many retries (not counting the first try). */
  public int attempts() {
    return attempts;
  }

  public @Nullable Duration perTryTimeout() {
    return perTryTimeout;
  }

  /** Whether retries prefer endpoints not tried yet (Envoy's {@code previous_hosts}). */
  public boolean avoidPreviousHosts() {
    return avoidPreviousHosts;
  }

  /** Whether a response with this status is retried. */
  public boolean retriesStatus(int status) {
    return statusCondition(status) != null;
  }

  /** The {@code retryOn} condition that retries a response with this status, or null. */
  public @Nullable String statusCondition(int status) {
    if (has(FIVE_XX) && status >= 500 && status <= 599) {
      return "5xx";
    }
    if (has(GATEWAY_ERROR) && (status == 502 || status == 503 || status == 504)) {
      return "gateway-error";
    }
    if (has(RETRIABLE_4XX) && status == 409) {
      return "retriable-4xx";
    }
    return has(RETRIABLE_STATUS_CODES) && statusCodes.contains(status) ? "retriable-status-codes" : null;
  }

  /** Whether a response with this gRPC status ({@code grpc-status}) is retried. */
  public boolean retriesGrpcStatus(int code) {
    return grpcCondition(code) != null;
  }

  /** The {@code retryOn} condition that retries a response with this gRPC status, or null. */
  public @Nullable String grpcCondition(int code) {
    return switch (code) {
      case 1 -> has(GRPC_CANCELLED) ? "cancelled" : null;
      case 4 -> has(GRPC_DEADLINE_EXCEEDED) ? "deadline-exceeded" : null;
      case 8 -> has(GRPC_RESOURCE_EXHAUSTED) ? "resource-exhausted" : null;
      case 13 -> has(GRPC_INTERNAL) ? "internal" : null;
      case 14 -> has(GRPC_UNAVAILABLE) ? "unavailable" : null;
      default -> null;
    };
  }

  /**
   * Whether a failure before response headers is retried, by Envoy's retry-on-reset rules: a
   * connect failure under {@code connect-failure}, {@code reset}, {@code 5xx},
   * {@code gateway-error}; another reset under {@code reset}, {@code 5xx},
   * {@code gateway-error}; a per-try timeout likewise (a local reset); an overflow never.
   */
  public boolean retriesFailure(FailureKind kind) {
    return failureCondition(kind) != null;
  }

  /** The {@code retryOn} condition that retries this failure, or null. */
  public @Nullable String failureCondition(FailureKind kind) {
    String reset = has(RESET) ? "reset" : has(FIVE_XX) ? "5xx" : has(GATEWAY_ERROR) ? "gateway-error" : null;
    return switch (kind) {
      case CONNECT_FAILURE -> has(CONNECT_FAILURE) ? "connect-failure" : reset != null ? reset
          : has(RESET_BEFORE_REQUEST) ? "reset-before-request" : null;
      case REFUSED_STREAM -> has(REFUSED_STREAM) ? "refused-stream" : reset;
      case RESET, PER_TRY_TIMEOUT -> reset;
      case OVERFLOW -> null;
    };
  }

  /** The {@code retryOn} conditions as configured (Istio's default when the route sets none). */
  public String retryOn() {
    return retryOn;
  }

  /** Failures before response headers, as retry conditions see them. */
  public enum FailureKind {
    CONNECT_FAILURE,
    REFUSED_STREAM,
    RESET,
    PER_TRY_TIMEOUT,
    OVERFLOW
  }

  /**
   * The wait before retry {@code n} (1-based): uniformly random in
   * {@code [0, min(2^(n-1) × base, 10 × base))}, Envoy's jittered exponential back-off.
   */
  public Duration backoff(int n, dev.mesh4j.api.runtime.RandomSource random) {
    long base = backoffBase.toNanos();
    long max = backoffMax.toNanos();
    long ceiling = n >= 62 ? max : Math.min(max, base << Math.max(0, n - 1));
    if (ceiling <= 0) {
      return Duration.ZERO;
    }
    return Duration.ofNanos(random.nextLong(ceiling));
  }

  private boolean has(int condition) {
    return (conditions & condition) != 0;
  }

  @Override
  public String toString() {
    if (attempts == 0) {
      return "no retries";
    }
    return attempts + " retries on " + retryOn
        + (perTryTimeout == null ? "" : ", per try " + perTryTimeout.toMillis() + "ms")
        + (avoidPreviousHosts ? "" : ", same endpoint allowed");
  }
}

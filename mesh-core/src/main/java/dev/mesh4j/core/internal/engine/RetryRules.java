package dev.mesh4j.core.internal.engine;

import dev.mesh4j.core.http.UpstreamFailure;
import dev.mesh4j.core.internal.resilience.RetryPolicy;
import dev.mesh4j.core.internal.resilience.RetryPolicy.FailureKind;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The one place where the end of an attempt is turned into a decision ({@link AttemptDecision}):
 * Envoy's router rules for retries ({@code retryOn} conditions, the attempt count, the per-try
 * timeout as a retriable local reset, the route timeout as final, the cluster's
 * {@code maxRetries} as an overflow) and for the local reply a failure gets ({@code UF},
 * {@code UC}, {@code URX}, {@code UO}, …). Pure but for the retry permit it asks for when — and
 * only when — it would retry. Stateless.
 */
final class RetryRules {
  private RetryRules() {}

  /** How an attempt ended. */
  sealed interface Outcome {}

  /** Response headers arrived. {@code grpcStatus} is -1 when there is none. */
  record Response(int status, int grpcStatus) implements Outcome {}

  /** The attempt failed before response headers (never {@link UpstreamFailure#RETHROW}). */
  record Failure(UpstreamFailure failure) implements Outcome {}

  /** The attempt never started: its wait for a connection slot outlived its deadline. */
  record PendingTimeout() implements Outcome {}

  /**
   * @param attempt the attempt that ended, 1 for the first try
   * @param perTryBinds whether the attempt's deadline was the per-try timeout (else the route's)
   * @param canResend whether the request body can be sent again
   * @param retryPermit takes a retry permit of the cluster ({@code maxRetries}); asked only for a
   *     retry the rules want, at most once
   */
  static AttemptDecision decide(Outcome outcome, int attempt, RetryPolicy policy, boolean perTryBinds,
      boolean canResend, BooleanSupplier retryPermit) {
    boolean retriesLeft = attempt <= policy.attempts();
    if (outcome instanceof Response r) {
      String condition = condition(policy, r);
      if (condition == null) {
        return AttemptDecision.deliver("status " + r.status() + (r.grpcStatus() > 0 ? " grpc " + r.grpcStatus() : "")
            + " is not retried (retryOn: " + policy.retryOn() + ")");
      }
      if (!retriesLeft) {
        return AttemptDecision.deliver(exhausted(policy));
      }
      if (!canResend) {
        return AttemptDecision.deliver(ONE_SHOT);
      }
      if (!retryPermit.getAsBoolean()) {
        // Envoy passes the response on (and counts an overflow) when maxRetries forbids the retry.
        return AttemptDecision.deliver(MAX_RETRIES + "; the response is delivered").overflowed();
      }
      return AttemptDecision.retry("retryOn " + condition + " matched status " + r.status()
          + (r.grpcStatus() > 0 ? " grpc " + r.grpcStatus() : ""));
    }
    if (outcome instanceof Failure f) {
      UpstreamFailure failure = f.failure();
      if (failure == UpstreamFailure.TIMEOUT && !perTryBinds) {
        return AttemptDecision.reply(LocalReplies.ROUTE_TIMEOUT, "the route timeout passed (UT)");
      }
      String condition = policy.failureCondition(kind(failure));
      boolean wanted = condition != null && canResend;
      if (wanted && retriesLeft) {
        if (retryPermit.getAsBoolean()) {
          return AttemptDecision.retry("retryOn " + condition + " matched " + describe(failure));
        }
        // Envoy: a retry the cluster's maxRetries does not allow is an overflow (UO).
        return AttemptDecision.reply(LocalReplies.withFlag(LocalReplies.failure(failure, attempt > 1, false), "UO"),
            MAX_RETRIES + " (UO)").overflowed();
      }
      String why = condition == null ? describe(failure) + " is not retried (retryOn: " + policy.retryOn() + ")"
          : !canResend ? ONE_SHOT : exhausted(policy);
      // Envoy adds URX when it wanted to retry but the retry limit was reached.
      return AttemptDecision.reply(LocalReplies.failure(failure, attempt > 1, wanted && policy.attempts() > 0), why);
    }
    // Waiting for a connection slot ran out: a route timeout is final, a per-try one is a retriable reset.
    if (!perTryBinds) {
      return AttemptDecision.reply(LocalReplies.ROUTE_TIMEOUT, "the route timeout passed waiting for a connection slot (UT)");
    }
    String condition = policy.failureCondition(FailureKind.PER_TRY_TIMEOUT);
    if (condition != null && retriesLeft && canResend && retryPermit.getAsBoolean()) {
      return AttemptDecision.retry("retryOn " + condition + " matched a per-try timeout waiting for a connection slot");
    }
    return AttemptDecision.reply(LocalReplies.failure(UpstreamFailure.TIMEOUT, attempt > 1, false),
        condition == null ? "a per-try timeout is not retried (retryOn: " + policy.retryOn() + ")"
            : !retriesLeft ? exhausted(policy) : !canResend ? ONE_SHOT : MAX_RETRIES);
  }

  private static final String ONE_SHOT = "the request body can be sent only once";
  private static final String MAX_RETRIES = "the cluster's maxRetries retries are in flight";

  private static String exhausted(RetryPolicy policy) {
    return "retries exhausted (attempts: " + policy.attempts() + ")";
  }

  private static @Nullable String condition(RetryPolicy policy, Response r) {
    String byStatus = policy.statusCondition(r.status());
    return byStatus != null || r.grpcStatus() <= 0 ? byStatus : policy.grpcCondition(r.grpcStatus());
  }

  static FailureKind kind(UpstreamFailure failure) {
    return switch (failure) {
      case CONNECT_FAILURE, CONNECT_TIMEOUT -> FailureKind.CONNECT_FAILURE;
      case TIMEOUT -> FailureKind.PER_TRY_TIMEOUT;
      case CONNECTION_TERMINATION, REMOTE_RESET, PROTOCOL_ERROR, RETHROW -> FailureKind.RESET;
    };
  }

  private static String describe(UpstreamFailure failure) {
    return switch (failure) {
      case CONNECT_FAILURE -> "a connect failure";
      case CONNECT_TIMEOUT -> "a connect timeout";
      case TIMEOUT -> "a per-try timeout";
      case CONNECTION_TERMINATION -> "a connection termination";
      case REMOTE_RESET -> "a reset";
      case PROTOCOL_ERROR -> "a protocol error";
      case RETHROW -> "a failure of the application's own";
    };
  }
}

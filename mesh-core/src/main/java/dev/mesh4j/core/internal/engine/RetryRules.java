package dev.mesh4j.core.internal.engine;

import dev.mesh4j.core.http.UpstreamFailure;
import dev.mesh4j.core.internal.engine.AttemptDecision.Kind;
import dev.mesh4j.core.internal.engine.AttemptDecision.Why;
import dev.mesh4j.core.internal.resilience.RetryPolicy;
import dev.mesh4j.core.internal.resilience.RetryPolicy.FailureKind;
import java.util.function.BooleanSupplier;

/**
 * The one place where the end of an attempt is turned into a decision ({@link AttemptDecision}):
 * Envoy's router rules for retries ({@code retryOn} conditions, the attempt count, the per-try
 * timeout as a retriable local reset, the route timeout as final, the cluster's
 * {@code maxRetries} as an overflow) and for the local reply a failure gets ({@code UF},
 * {@code UC}, {@code URX}, {@code UO}, …). Pure but for the retry permit it asks for when — and
 * only when — it would retry. Called on every attempt: the common outcome allocates nothing.
 * Stateless.
 */
final class RetryRules {
  private RetryRules() {}

  /** How an attempt ended (for the words of a decision's reason). */
  sealed interface Outcome {}

  /** Response headers arrived. {@code grpcStatus} is -1 when there is none. */
  record Response(int status, int grpcStatus) implements Outcome {}

  /** The attempt failed before response headers (never {@link UpstreamFailure#RETHROW}). */
  record Failure(UpstreamFailure failure) implements Outcome {}

  /** The attempt never started: its wait for a connection slot outlived its deadline. */
  record PendingTimeout() implements Outcome {}

  /**
   * After response headers arrived.
   *
   * @param attempt the attempt that ended, 1 for the first try
   * @param grpcStatus the {@code grpc-status}, or -1 for none
   * @param canResend whether the request body can be sent again
   * @param retryPermit takes a retry permit of the cluster ({@code maxRetries}); asked only for a
   *     retry the rules want, at most once
   */
  static AttemptDecision afterResponse(int status, int grpcStatus, int attempt, RetryPolicy policy,
      boolean canResend, BooleanSupplier retryPermit) {
    String byStatus = policy.statusCondition(status);
    String condition = byStatus != null || grpcStatus <= 0 ? byStatus : policy.grpcCondition(grpcStatus);
    if (condition == null) {
      return AttemptDecision.DELIVERED;
    }
    if (attempt > policy.attempts()) {
      return new AttemptDecision(Kind.DELIVER, null, Why.EXHAUSTED, condition, false);
    }
    if (!canResend) {
      return new AttemptDecision(Kind.DELIVER, null, Why.ONE_SHOT, condition, false);
    }
    if (!retryPermit.getAsBoolean()) {
      // Envoy passes the response on (and counts an overflow) when maxRetries forbids the retry.
      return new AttemptDecision(Kind.DELIVER, null, Why.MAX_RETRIES, condition, true);
    }
    return new AttemptDecision(Kind.RETRY, null, Why.MATCHED, condition, false);
  }

  /**
   * After the attempt failed before response headers.
   *
   * @param perTryBinds whether the attempt's deadline was the per-try timeout (else the route's)
   */
  static AttemptDecision afterFailure(UpstreamFailure failure, int attempt, RetryPolicy policy, boolean perTryBinds,
      boolean canResend, BooleanSupplier retryPermit) {
    if (failure == UpstreamFailure.TIMEOUT && !perTryBinds) {
      return new AttemptDecision(Kind.REPLY, LocalReplies.ROUTE_TIMEOUT, Why.ROUTE_TIMEOUT, null, false);
    }
    String condition = policy.failureCondition(kind(failure));
    boolean wanted = condition != null && canResend;
    if (wanted && attempt <= policy.attempts()) {
      if (retryPermit.getAsBoolean()) {
        return new AttemptDecision(Kind.RETRY, null, Why.MATCHED, condition, false);
      }
      // Envoy: a retry the cluster's maxRetries does not allow is an overflow (UO).
      return new AttemptDecision(Kind.REPLY,
          LocalReplies.withFlag(LocalReplies.failure(failure, attempt > 1, false), "UO"), Why.MAX_RETRIES, condition,
          true);
    }
    Why why = condition == null ? Why.NOT_RETRIED : !canResend ? Why.ONE_SHOT : Why.EXHAUSTED;
    // Envoy adds URX when it wanted to retry but the retry limit was reached.
    return new AttemptDecision(Kind.REPLY, LocalReplies.failure(failure, attempt > 1, wanted && policy.attempts() > 0),
        why, condition, false);
  }

  /** After the wait for a connection slot outlived the attempt's deadline: the attempt never started. */
  static AttemptDecision afterPendingTimeout(int attempt, RetryPolicy policy, boolean perTryBinds, boolean canResend,
      BooleanSupplier retryPermit) {
    // A route timeout is final; a per-try one is a retriable local reset.
    if (!perTryBinds) {
      return new AttemptDecision(Kind.REPLY, LocalReplies.ROUTE_TIMEOUT, Why.ROUTE_TIMEOUT, null, false);
    }
    String condition = policy.failureCondition(FailureKind.PER_TRY_TIMEOUT);
    boolean retriesLeft = attempt <= policy.attempts();
    if (condition != null && retriesLeft && canResend && retryPermit.getAsBoolean()) {
      return new AttemptDecision(Kind.RETRY, null, Why.MATCHED, condition, false);
    }
    Why why = condition == null ? Why.NOT_RETRIED : !retriesLeft ? Why.EXHAUSTED : !canResend ? Why.ONE_SHOT
        : Why.MAX_RETRIES;
    return new AttemptDecision(Kind.REPLY, LocalReplies.failure(UpstreamFailure.TIMEOUT, attempt > 1, false), why,
        condition, false);
  }

  static FailureKind kind(UpstreamFailure failure) {
    return switch (failure) {
      case CONNECT_FAILURE, CONNECT_TIMEOUT -> FailureKind.CONNECT_FAILURE;
      case TIMEOUT -> FailureKind.PER_TRY_TIMEOUT;
      case CONNECTION_TERMINATION, REMOTE_RESET, PROTOCOL_ERROR, RETHROW -> FailureKind.RESET;
    };
  }
}

package dev.mesh4j.core.internal.engine;

import dev.mesh4j.core.http.LocalReply;
import dev.mesh4j.core.http.UpstreamFailure;
import dev.mesh4j.core.internal.resilience.RetryPolicy;
import dev.mesh4j.core.observe.RetryDecision;
import org.jspecify.annotations.Nullable;

/**
 * What the end of an attempt means for its request, as Envoy's router decides it: send it again,
 * hand the upstream's response to the application, or answer locally — and why, as a
 * {@link Why} with the condition that matched. The reason's text is built only when a listener
 * asks for it ({@link #toEvent}), so the common decision (a response delivered) allocates
 * nothing. Immutable.
 *
 * @param kind what to do
 * @param reply the local reply, for {@link Kind#REPLY}
 * @param why the rule that decided
 * @param condition the {@code retryOn} condition that matched, or null
 * @param overflow whether the cluster's retry limit ({@code maxRetries} or {@code retryBudget}) kept
 *     a wanted retry from being made
 */
record AttemptDecision(Kind kind, @Nullable LocalReply reply, Why why, @Nullable String condition,
    boolean overflow) {

  enum Kind {
    /** Send the request again, after the back-off. */
    RETRY,
    /** Hand the upstream's response to the application. */
    DELIVER,
    /** Answer with {@link #reply()}. */
    REPLY
  }

  /** The rule that decided. */
  enum Why {
    /** A {@code retryOn} condition matched the outcome. */
    MATCHED,
    /** No {@code retryOn} condition covers the outcome. */
    NOT_RETRIED,
    /** The route's {@code attempts} are used up. */
    EXHAUSTED,
    /** The request body can be sent only once. */
    ONE_SHOT,
    /** The cluster's retry limit ({@code maxRetries} or {@code retryBudget}) is reached. */
    MAX_RETRIES,
    /** The route timeout passed: final. */
    ROUTE_TIMEOUT
  }

  /** The decision most attempts end in: a response no condition retries, delivered. */
  static final AttemptDecision DELIVERED = new AttemptDecision(Kind.DELIVER, null, Why.NOT_RETRIED, null, false);

  boolean retries() {
    return kind == Kind.RETRY;
  }

  /**
   * As listeners see it, with the reason in words.
   *
   * @param outcome how the attempt ended, for the words
   * @param retryLimit the setting that limits the cluster's retries ({@code maxRetries} or
   *     {@code retryBudget}), for the words
   */
  RetryDecision toEvent(RetryRules.Outcome outcome, RetryPolicy policy, String retryLimit) {
    String what = describe(outcome);
    String reason = switch (why) {
      case MATCHED -> "retryOn " + condition + " matched " + what;
      case NOT_RETRIED -> what + " is not retried (retryOn: " + policy.retryOn() + ")";
      case EXHAUSTED -> "retries exhausted (attempts: " + policy.attempts() + ")";
      case ONE_SHOT -> "the request body can be sent only once";
      case MAX_RETRIES -> (retryLimit.equals("retryBudget") ? "the cluster's retryBudget is spent"
          : "the cluster's " + retryLimit + " retries are in flight")
          + (kind == Kind.DELIVER ? "; the response is delivered" : kind == Kind.REPLY && overflow ? " (UO)" : "");
      case ROUTE_TIMEOUT -> outcome instanceof RetryRules.PendingTimeout
          ? "the route timeout passed waiting for a connection slot (UT)" : "the route timeout passed (UT)";
    };
    return new RetryDecision(kind == Kind.RETRY, reason);
  }

  private static String describe(RetryRules.Outcome outcome) {
    if (outcome instanceof RetryRules.Response r) {
      return "status " + r.status() + (r.grpcStatus() > 0 ? " grpc " + r.grpcStatus() : "");
    }
    if (outcome instanceof RetryRules.Failure f) {
      return describe(f.failure());
    }
    return "a per-try timeout waiting for a connection slot";
  }

  static String describe(UpstreamFailure failure) {
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

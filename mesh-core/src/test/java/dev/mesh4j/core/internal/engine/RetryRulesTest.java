package dev.mesh4j.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesh4j.api.config.HttpRetry;
import dev.mesh4j.core.http.UpstreamFailure;
import dev.mesh4j.core.internal.engine.AttemptDecision.Kind;
import dev.mesh4j.core.internal.resilience.RetryPolicy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decision at the end of an attempt, over every {@code retryOn} condition and every way an
 * attempt ends, against Envoy's router rules: which outcome each condition retries, what a
 * spent retry budget, a one-shot body or the cluster's {@code maxRetries} change, and the local
 * reply (status and flags) each failure gets.
 */
class RetryRulesTest {

  enum Permit { GRANTED, DENIED }

  static RetryPolicy policy(String retryOn, int attempts) {
    return RetryPolicy.of(HttpRetry.builder().attempts(attempts).retryOn(retryOn).perTryTimeout(Duration.ofSeconds(1))
        .build(), false);
  }

  static RetryRules.Outcome status(int status) {
    return new RetryRules.Response(status, -1);
  }

  static RetryRules.Outcome grpc(int code) {
    return new RetryRules.Response(200, code);
  }

  static RetryRules.Outcome failed(UpstreamFailure f) {
    return new RetryRules.Failure(f);
  }

  /**
   * retryOn, attempt that ended (of 2 retries allowed), outcome, per-try timeout bound the
   * attempt, body can be resent, retry permit — expected decision, reply status and flags (for
   * REPLY), a fragment of the reason.
   */
  static Stream<Arguments> table() {
    UpstreamFailure connect = UpstreamFailure.CONNECT_FAILURE;
    UpstreamFailure connectTimeout = UpstreamFailure.CONNECT_TIMEOUT;
    UpstreamFailure reset = UpstreamFailure.REMOTE_RESET;
    UpstreamFailure closed = UpstreamFailure.CONNECTION_TERMINATION;
    UpstreamFailure protocol = UpstreamFailure.PROTOCOL_ERROR;
    UpstreamFailure timeout = UpstreamFailure.TIMEOUT;
    return Stream.of(
        // ---- responses: each status condition
        Arguments.of("5xx", 1, status(500), true, true, Permit.GRANTED, Kind.RETRY, "", "retryOn 5xx matched status 500"),
        Arguments.of("5xx", 1, status(503), true, true, Permit.GRANTED, Kind.RETRY, "", "retryOn 5xx matched status 503"),
        Arguments.of("5xx", 1, status(404), true, true, Permit.GRANTED, Kind.DELIVER, "", "status 404 is not retried"),
        Arguments.of("gateway-error", 1, status(502), true, true, Permit.GRANTED, Kind.RETRY, "", "gateway-error"),
        Arguments.of("gateway-error", 1, status(504), true, true, Permit.GRANTED, Kind.RETRY, "", "gateway-error"),
        Arguments.of("gateway-error", 1, status(500), true, true, Permit.GRANTED, Kind.DELIVER, "", "not retried"),
        Arguments.of("retriable-4xx", 1, status(409), true, true, Permit.GRANTED, Kind.RETRY, "", "retriable-4xx"),
        Arguments.of("retriable-4xx", 1, status(400), true, true, Permit.GRANTED, Kind.DELIVER, "", "not retried"),
        Arguments.of("retriable-status-codes,418", 1, status(418), true, true, Permit.GRANTED, Kind.RETRY, "",
            "retriable-status-codes"),
        Arguments.of("418", 1, status(418), true, true, Permit.GRANTED, Kind.RETRY, "", "retriable-status-codes"),
        Arguments.of("418", 1, status(419), true, true, Permit.GRANTED, Kind.DELIVER, "", "not retried"),
        Arguments.of("connect-failure,reset", 1, status(503), true, true, Permit.GRANTED, Kind.DELIVER, "",
            "not retried"),
        // ---- gRPC statuses
        Arguments.of("cancelled", 1, grpc(1), true, true, Permit.GRANTED, Kind.RETRY, "", "cancelled matched"),
        Arguments.of("deadline-exceeded", 1, grpc(4), true, true, Permit.GRANTED, Kind.RETRY, "", "deadline-exceeded"),
        Arguments.of("resource-exhausted", 1, grpc(8), true, true, Permit.GRANTED, Kind.RETRY, "", "resource-exhausted"),
        Arguments.of("internal", 1, grpc(13), true, true, Permit.GRANTED, Kind.RETRY, "", "internal matched"),
        Arguments.of("unavailable", 1, grpc(14), true, true, Permit.GRANTED, Kind.RETRY, "", "unavailable matched"),
        Arguments.of("unavailable", 1, grpc(13), true, true, Permit.GRANTED, Kind.DELIVER, "", "not retried"),
        // ---- responses: what stops a wanted retry
        Arguments.of("5xx", 3, status(503), true, true, Permit.GRANTED, Kind.DELIVER, "", "retries exhausted (attempts: 2)"),
        Arguments.of("5xx", 1, status(503), true, false, Permit.GRANTED, Kind.DELIVER, "", "sent only once"),
        Arguments.of("5xx", 1, status(503), true, true, Permit.DENIED, Kind.DELIVER, "", "maxRetries"),
        // ---- failures before headers: Envoy's retry-on-reset rules, condition by condition
        Arguments.of("connect-failure", 1, failed(connect), true, true, Permit.GRANTED, Kind.RETRY, "",
            "retryOn connect-failure matched a connect failure"),
        Arguments.of("connect-failure", 1, failed(connectTimeout), true, true, Permit.GRANTED, Kind.RETRY, "",
            "connect-failure matched a connect timeout"),
        Arguments.of("connect-failure", 1, failed(reset), true, true, Permit.GRANTED, Kind.REPLY, "503 UR",
            "a reset is not retried"),
        Arguments.of("reset", 1, failed(connect), true, true, Permit.GRANTED, Kind.RETRY, "", "reset matched"),
        Arguments.of("reset", 1, failed(reset), true, true, Permit.GRANTED, Kind.RETRY, "", "reset matched a reset"),
        Arguments.of("reset", 1, failed(closed), true, true, Permit.GRANTED, Kind.RETRY, "", "connection termination"),
        Arguments.of("reset", 1, failed(protocol), true, true, Permit.GRANTED, Kind.RETRY, "", "protocol error"),
        Arguments.of("5xx", 1, failed(reset), true, true, Permit.GRANTED, Kind.RETRY, "", "5xx matched a reset"),
        Arguments.of("gateway-error", 1, failed(connect), true, true, Permit.GRANTED, Kind.RETRY, "", "gateway-error"),
        Arguments.of("reset-before-request", 1, failed(connect), true, true, Permit.GRANTED, Kind.RETRY, "",
            "reset-before-request"),
        Arguments.of("reset-before-request", 1, failed(reset), true, true, Permit.GRANTED, Kind.REPLY, "503 UR", ""),
        Arguments.of("refused-stream", 1, failed(reset), true, true, Permit.GRANTED, Kind.REPLY, "503 UR", ""),
        Arguments.of("retriable-4xx,unavailable", 1, failed(connect), true, true, Permit.GRANTED, Kind.REPLY,
            "503 UF", "a connect failure is not retried"),
        // ---- failures: exhausted, one-shot, maxRetries
        Arguments.of("connect-failure", 3, failed(connect), true, true, Permit.GRANTED, Kind.REPLY, "503 UF,URX",
            "retries exhausted"),
        Arguments.of("reset", 2, failed(protocol), true, true, Permit.GRANTED, Kind.RETRY, "", "protocol error"),
        Arguments.of("reset", 3, failed(protocol), true, true, Permit.GRANTED, Kind.REPLY, "502 UPE,URX", "exhausted"),
        Arguments.of("connect-failure", 1, failed(connect), true, false, Permit.GRANTED, Kind.REPLY, "503 UF",
            "sent only once"),
        Arguments.of("connect-failure", 1, failed(connect), true, true, Permit.DENIED, Kind.REPLY, "503 UF,UO",
            "maxRetries"),
        // ---- timeouts: the route timeout is final, a per-try timeout is a retriable local reset
        Arguments.of("5xx", 1, failed(timeout), false, true, Permit.GRANTED, Kind.REPLY, "504 UT", "route timeout"),
        Arguments.of("5xx", 1, failed(timeout), true, true, Permit.GRANTED, Kind.RETRY, "", "a per-try timeout"),
        Arguments.of("reset", 1, failed(timeout), true, true, Permit.GRANTED, Kind.RETRY, "", "per-try timeout"),
        Arguments.of("connect-failure", 1, failed(timeout), true, true, Permit.GRANTED, Kind.REPLY, "504 UT",
            "not retried"),
        Arguments.of("5xx", 3, failed(timeout), true, true, Permit.GRANTED, Kind.REPLY, "504 UT,URX", "exhausted"),
        // ---- the wait for a connection slot ran out
        Arguments.of("5xx", 1, new RetryRules.PendingTimeout(), false, true, Permit.GRANTED, Kind.REPLY, "504 UT",
            "connection slot"),
        Arguments.of("5xx", 1, new RetryRules.PendingTimeout(), true, true, Permit.GRANTED, Kind.RETRY, "",
            "waiting for a connection slot"),
        Arguments.of("connect-failure", 1, new RetryRules.PendingTimeout(), true, true, Permit.GRANTED, Kind.REPLY,
            "504 UT", "not retried"),
        Arguments.of("5xx", 3, new RetryRules.PendingTimeout(), true, true, Permit.GRANTED, Kind.REPLY, "504 UT",
            "exhausted"),
        Arguments.of("5xx", 2, new RetryRules.PendingTimeout(), true, true, Permit.DENIED, Kind.REPLY, "504 UT",
            "maxRetries"));
  }

  @ParameterizedTest(name = "[{index}] retryOn {0}, attempt {1}, {2}, perTry={3}, resend={4}, permit {5} -> {6} {7}")
  @MethodSource("table")
  void decidesAsEnvoysRouter(String retryOn, int attempt, RetryRules.Outcome outcome, boolean perTryBinds,
      boolean canResend, Permit permit, Kind kind, String reply, String reason) {
    AtomicInteger asked = new AtomicInteger();
    RetryPolicy policy = policy(retryOn, 2);
    java.util.function.BooleanSupplier take = () -> {
      asked.incrementAndGet();
      return permit == Permit.GRANTED;
    };
    AttemptDecision d = outcome instanceof RetryRules.Response r
        ? RetryRules.afterResponse(r.status(), r.grpcStatus(), attempt, policy, canResend, take)
        : outcome instanceof RetryRules.Failure f
            ? RetryRules.afterFailure(f.failure(), null, attempt, policy, perTryBinds, canResend, take)
            : RetryRules.afterPendingTimeout(attempt, policy, perTryBinds, canResend, take);

    assertThat(d.kind()).isEqualTo(kind);
    assertThat(d.toEvent(outcome, policy, "maxRetries").reason()).contains(reason);
    if (kind == Kind.REPLY) {
      assertThat(d.reply().status() + " " + d.reply().flags()).isEqualTo(reply);
    } else {
      assertThat(d.reply()).isNull();
    }
    assertThat(asked.get()).as("the permit is asked for only for a retry the rules want, once")
        .isLessThanOrEqualTo(1);
    if (kind == Kind.RETRY) {
      assertThat(asked.get()).isEqualTo(1);
    }
    assertThat(d.overflow()).as("overflow only where maxRetries stopped a wanted retry")
        .isEqualTo(permit == Permit.DENIED && asked.get() == 1 && !(outcome instanceof RetryRules.PendingTimeout));
    assertThat(d.toEvent(outcome, policy, "maxRetries").retry()).isEqualTo(kind == Kind.RETRY);
  }
}

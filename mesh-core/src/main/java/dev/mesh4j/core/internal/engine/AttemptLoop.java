package dev.mesh4j.core.internal.engine;

import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.api.runtime.Sleeper;
import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.core.http.Exchange;
import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.http.LocalReply;
import dev.mesh4j.core.http.UpstreamFailure;
import dev.mesh4j.core.http.UpstreamRequest;
import dev.mesh4j.core.internal.cluster.Cluster;
import dev.mesh4j.core.internal.lb.UpstreamHost;
import dev.mesh4j.core.internal.resilience.RetryPolicy;
import dev.mesh4j.core.internal.resilience.RetryPolicy.FailureKind;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Envoy's router for one request after routing: attempts, each to an endpoint the balancer
 * picks, within the route deadline and the per-try timeout, retried as the retry policy says
 * (status conditions, retry-on-reset rules, jittered exponential back-off, previous-host
 * avoidance), and the local reply Envoy would give when the last attempt fails.
 *
 * <p>Time is read from the injected ticker and waits go through the injected sleeper, so the
 * decisions are testable in virtual time; the transport enforces each attempt's budget on the
 * wire. Stateless; thread-safe.
 */
final class AttemptLoop {
  /** Istio's default connect timeout ({@code connectionPool.tcp.connectTimeout}). */
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** How often a wait checks whether the application cancelled the call. */
  static final Duration CANCEL_CHECK = Duration.ofMillis(10);

  private final RandomSource random;
  private final Sleeper sleeper;
  private final Ticker ticker;

  AttemptLoop(RandomSource random, Sleeper sleeper, Ticker ticker) {
    this.random = random;
    this.sleeper = sleeper;
    this.ticker = ticker;
  }

  /** What the attempts share: where they go and what they send. */
  record Target(Cluster cluster, UpstreamRequest request, RetryPolicy policy, HeaderMutation responseHeaders) {}

  /**
   * Runs the attempts.
   *
   * @param deadline the route deadline in ticker nanos, or {@link Long#MAX_VALUE} for none
   */
  <R> R run(Target target, Attempts attempts, long deadline, Exchange<R> exchange) throws IOException {
    RetryPolicy policy = target.policy();
    Cluster cluster = target.cluster();
    for (int attempt = 1; ; attempt++) {
      long now = ticker.nanos();
      if (now >= deadline) {
        return exchange.reply(LocalReplies.ROUTE_TIMEOUT);
      }
      UpstreamHost host = null;
      if (!cluster.isPassthrough()) {
        host = cluster.loadBalancer().pick(attempts);
        if (host == null) {
          return exchange.reply(LocalReplies.NO_HEALTHY_UPSTREAM);
        }
      }
      long remaining = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - now;
      Duration perTry = policy.perTryTimeout();
      boolean perTryBinds = perTry != null && perTry.toNanos() <= remaining;
      Duration budget = perTryBinds ? perTry : remaining == Long.MAX_VALUE ? null : Duration.ofNanos(remaining);
      Duration responseTimeout = remaining == Long.MAX_VALUE ? null : Duration.ofNanos(remaining);
      UpstreamRequest request = target.request().withAttempt(attempt, host == null ? null : host.endpoint(),
          budget, responseTimeout);
      boolean retriesLeft = attempt <= policy.attempts();
      if (host != null) {
        host.state().requestStarted();
      }
      R response;
      try {
        response = exchange.send(request);
      } catch (IOException e) {
        end(host);
        UpstreamFailure failure = exchange.classify(e);
        if (failure == UpstreamFailure.RETHROW) {
          throw e;
        }
        if (failure == UpstreamFailure.TIMEOUT && !perTryBinds) {
          return exchange.reply(LocalReplies.ROUTE_TIMEOUT);
        }
        attempts.tried(host);
        boolean wanted = policy.retriesFailure(kind(failure)) && exchange.canResend();
        if (retriesLeft && wanted) {
          backoff(attempt, policy, deadline, exchange);
          continue;
        }
        // Envoy adds URX when it wanted to retry but the retry limit was reached.
        return exchange.reply(LocalReplies.failure(failure, attempt > 1, wanted && policy.attempts() > 0));
      } catch (RuntimeException | Error e) {
        end(host);
        throw e;
      }
      if (retriesLeft && retriable(policy, exchange, response) && exchange.canResend()) {
        exchange.discard(response);
        end(host);
        attempts.tried(host);
        backoff(attempt, policy, deadline, exchange);
        continue;
      }
      if (host != null) {
        UpstreamHost done = host;
        response = exchange.whenComplete(response, () -> done.state().requestEnded());
      }
      HeaderMutation headers = target.responseHeaders();
      return headers.isEmpty() ? response : exchange.mutateResponse(response, headers);
    }
  }

  private static <R> boolean retriable(RetryPolicy policy, Exchange<R> exchange, R response) {
    if (policy.retriesStatus(exchange.status(response))) {
      return true;
    }
    String grpc = exchange.header(response, "grpc-status");
    if (grpc != null && !grpc.isEmpty() && grpc.length() <= 2 && Character.isDigit(grpc.charAt(0))) {
      try {
        return policy.retriesGrpcStatus(Integer.parseInt(grpc));
      } catch (NumberFormatException e) {
        return false;
      }
    }
    return false;
  }

  private static FailureKind kind(UpstreamFailure failure) {
    return switch (failure) {
      case CONNECT_FAILURE, CONNECT_TIMEOUT -> FailureKind.CONNECT_FAILURE;
      case TIMEOUT -> FailureKind.PER_TRY_TIMEOUT;
      case CONNECTION_TERMINATION, REMOTE_RESET, PROTOCOL_ERROR, RETHROW -> FailureKind.RESET;
    };
  }

  private static void end(@Nullable UpstreamHost host) {
    if (host != null) {
      host.state().requestEnded();
    }
  }

  /** Waits Envoy's jittered back-off before retry {@code attempt}, never past the deadline. */
  private void backoff(int attempt, RetryPolicy policy, long deadline, Exchange<?> exchange) throws IOException {
    Duration wait = policy.backoff(attempt, random);
    long left = deadline - ticker.nanos();
    if (deadline != Long.MAX_VALUE && wait.toNanos() > left) {
      wait = Duration.ofNanos(Math.max(0, left));
    }
    waitCancellably(wait, exchange);
  }

  /** Waits on the sleeper in small steps, failing as soon as the application cancels the call. */
  void waitCancellably(Duration wait, Exchange<?> exchange) throws IOException {
    Duration left = wait;
    try {
      while (!left.isZero() && !left.isNegative()) {
        if (exchange.isCancelled()) {
          throw new InterruptedIOException("canceled");
        }
        Duration step = left.compareTo(CANCEL_CHECK) < 0 ? left : CANCEL_CHECK;
        sleeper.sleep(step);
        left = left.minus(step);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
  }
}

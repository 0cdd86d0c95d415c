package dev.mesh4j.core.internal.engine;

import dev.mesh4j.api.config.ClientTlsSettings;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.api.runtime.Sleeper;
import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.api.runtime.WorkloadIdentity;
import dev.mesh4j.core.http.Exchange;
import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.http.LocalReply;
import dev.mesh4j.core.http.ResponseInfo;
import dev.mesh4j.core.http.UpstreamFailure;
import dev.mesh4j.core.http.UpstreamRequest;
import dev.mesh4j.core.internal.cluster.Cluster;
import dev.mesh4j.core.internal.common.Quoting;
import dev.mesh4j.core.internal.identity.IdentityState;
import dev.mesh4j.core.internal.lb.UpstreamHost;
import dev.mesh4j.core.internal.resilience.ConnectionLimiter;
import dev.mesh4j.core.internal.resilience.OutlierDetector;
import dev.mesh4j.core.internal.resilience.RetryPolicy;
import dev.mesh4j.core.internal.telemetry.RequestObserver;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * Envoy's router for one request after routing: attempts, each holding a connection-pool
 * permit of the cluster and going to an endpoint the balancer picks, within the route deadline
 * and the per-try timeout; retried as the retry policy says (status conditions, retry-on-reset
 * rules, jittered exponential back-off, previous-host avoidance, the cluster's {@code maxRetries} or
 * {@code retryBudget});
 * each outcome reported to the cluster's outlier detector; the last failure answered with the
 * local reply Envoy would give.
 *
 * <p>Time is read from the injected ticker and waits go through the injected sleeper, so the
 * decisions are testable in virtual time; the transport enforces each attempt's budget on the
 * wire. Stateless; thread-safe.
 */
final class AttemptLoop {
  /** How often a wait checks whether the application cancelled the call. */
  static final Duration CANCEL_CHECK = Duration.ofMillis(10);

  private final RandomSource random;
  private final Sleeper sleeper;
  private final Ticker ticker;
  private final IdentityState identities;

  AttemptLoop(RandomSource random, Sleeper sleeper, Ticker ticker, IdentityState identities) {
    this.random = random;
    this.sleeper = sleeper;
    this.ticker = ticker;
    this.identities = identities;
  }

  /**
   * Runs the attempts: each one waits for a connection slot, goes to an endpoint the balancer
   * picks, and ends in a decision ({@link RetryRules#decide}) — retry, deliver or answer locally.
   *
   * @param firstSent called with the first attempt's request as sent (for mirroring), or null
   */
  <R> R run(Attempts a, Exchange<R> exchange, RequestObserver<R> t, @Nullable Consumer<UpstreamRequest> firstSent)
      throws IOException {
    Cluster cluster = a.cluster;
    RetryPolicy policy = a.policy;
    ConnectionLimiter limiter = cluster.resilience().limiter();
    OutlierDetector outliers = cluster.resilience().outlierDetector();
    try {
      for (int attempt = 1; ; attempt++) {
        long now = ticker.nanos();
        if (now >= a.deadline) {
          return reply(exchange, t, a, LocalReplies.ROUTE_TIMEOUT);
        }
        long remaining = a.deadline == Long.MAX_VALUE ? Long.MAX_VALUE : a.deadline - now;
        Duration perTry = policy.perTryTimeout();
        boolean perTryBinds = perTry != null && perTry.toNanos() <= remaining;
        long attemptDeadline = perTryBinds ? now + perTry.toNanos() : a.deadline;

        // A request waits for any connection slot of the cluster, before an endpoint is chosen.
        ConnectionLimiter.Permit permit = acquire(limiter, attemptDeadline);
        if (permit.outcome() == ConnectionLimiter.Outcome.OVERFLOW) {
          t.overflow(cluster.name(), permit.limit());  // telemetry: shed
          return reply(exchange, t, a, LocalReplies.OVERFLOW);
        }
        if (permit.outcome() == ConnectionLimiter.Outcome.DEADLINE_EXCEEDED) {
          AttemptDecision d = RetryRules.afterPendingTimeout(attempt, policy, perTryBinds, a.replayable, a);
          if (t.active()) {
            t.retryDecided(false, d.toEvent(new RetryRules.PendingTimeout(), policy, limiter.retryLimitName()));  // telemetry: retry decided
          }
          if (d.retries()) {
            backoff(attempt, policy, a.deadline, exchange);
            continue;
          }
          return reply(exchange, t, a, d.reply());
        }

        UpstreamHost host = null;
        if (!cluster.isPassthrough()) {
          host = cluster.loadBalancer().pick(a);
          if (host == null) {
            permit.release();
            return reply(exchange, t, a, LocalReplies.NO_HEALTHY_UPSTREAM);
          }
        }
        // Mutual TLS (the cluster's, or auto mTLS for this endpoint) needs the identity in force now.
        ClientTlsSettings tls = a.tls(host);
        WorkloadIdentity identity = null;
        if (Origination.needsIdentity(tls)) {
          identity = identities.identity();
          if (identity == null) {
            permit.release();
            return reply(exchange, t, a, LocalReplies.noIdentity(cluster.name(), identities.whyNone()));
          }
        }
        Duration budget = perTryBinds ? perTry : remaining == Long.MAX_VALUE ? null : Duration.ofNanos(remaining);
        Duration responseTimeout = remaining == Long.MAX_VALUE ? null : Duration.ofNanos(remaining);
        UpstreamRequest request = t.attemptStarted(  // telemetry: attempt start (adds context + trace headers)
            a.request(attempt, host, tls, identity, budget, responseTimeout));
        if (attempt == 1 && firstSent != null) {
          firstSent.accept(request);
        }
        if (host != null) {
          host.state().requestStarted();
        }

        R response;
        try {
          response = exchange.send(request);
        } catch (IOException e) {
          end(host, permit);
          UpstreamFailure failure = exchange.classify(e);
          t.attemptFailed(request, failure, e);  // telemetry: attempt end (failed)
          if (failure == UpstreamFailure.RETHROW) {
            throw e;  // the application's own cancellation or timeout
          }
          if (outliers != null && host != null) {
            outliers.onLocalOriginFailure(host, localOrigin(failure));
          }
          a.tried(host);
          AttemptDecision d = RetryRules.afterFailure(failure, tlsError(e), attempt, policy, perTryBinds,
              a.replayable, a);
          if (t.active()) {
            t.retryDecided(true, d.toEvent(new RetryRules.Failure(failure), policy, limiter.retryLimitName()));  // telemetry: retry decided
          }
          if (d.overflow()) {
            t.overflow(cluster.name(), limiter.retryLimitName());
          }
          if (d.retries()) {
            backoff(attempt, policy, a.deadline, exchange);
            continue;
          }
          return reply(exchange, t, a, d.reply());
        } catch (RuntimeException | Error e) {
          end(host, permit);
          throw e;
        }

        ResponseInfo info = exchange.view(response);
        t.attemptEnded(request, info);  // telemetry: attempt end (response headers)
        int status = info.status();
        String grpc = info.grpcStatus();
        if (outliers != null && host != null) {
          outliers.onLocalOriginSuccess(host);
          outliers.onResponse(host, outlierStatus(status, grpc));
        }
        int grpcStatus = grpcStatus(grpc);
        AttemptDecision d = RetryRules.afterResponse(status, grpcStatus, attempt, policy, a.replayable, a);
        if (t.active()) {
          t.retryDecided(true, d.toEvent(new RetryRules.Response(status, grpcStatus), policy, limiter.retryLimitName()));  // telemetry: retry decided
        }
        if (d.overflow()) {
          t.overflow(cluster.name(), limiter.retryLimitName());
        }
        if (d.retries()) {
          exchange.discard(response);
          end(host, permit);
          a.tried(host);
          backoff(attempt, policy, a.deadline, exchange);
          continue;
        }
        t.responded(info, "");  // telemetry: the response the application gets
        // The request holds its endpoint and connection slot until the application is done with the
        // body; then the request's Attempts ends them and telemetry's request (no callback allocated).
        LongConsumer completion = a.completion(host, permit, t);
        try {
          return exchange.complete(response, a.responseHeaders(status, host), completion);
        } catch (RuntimeException | Error e) {
          // The application gets no body to finish: the endpoint and slot are given back now.
          a.abandon();
          exchange.discard(response);
          throw e;
        }
      }
    } finally {
      a.releaseRetryPermit();
    }
  }

  /**
   * Answers locally for a routed request, with the route's response-header operations: Envoy's
   * router applies them to the replies it makes itself too (timeouts, overflow, upstream failures).
   */
  private static <R> R reply(Exchange<R> exchange, RequestObserver<R> t, Attempts a, LocalReply reply) {
    return reply(exchange, t, reply, a.responseHeaders(reply));
  }

  /** Answers locally, telling telemetry. */
  static <R> R reply(Exchange<R> exchange, RequestObserver<R> t, LocalReply reply) {
    return reply(exchange, t, reply, HeaderMutation.NONE);
  }

  /** Answers locally with response-header changes (a redirect's or direct response's route headers). */
  static <R> R reply(Exchange<R> exchange, RequestObserver<R> t, LocalReply reply, HeaderMutation headers) {
    t.localReply(reply);  // telemetry: local reply
    R r = exchange.reply(reply);
    t.responded(exchange.view(r), reply.flags());
    return exchange.complete(r, headers, t);  // telemetry: request end, when the body is done
  }

  /**
   * Why a TLS handshake failed, for the local reply; null when {@code e} is no TLS failure. The
   * certificate check's own reason when there is one (an untrusted chain, a peer that is not the
   * identity expected): JDKs differ in how they word the handshake exception around it.
   */
  static @Nullable String tlsError(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        Throwable reason = t;
        for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
          if (c instanceof CertificateException && c.getMessage() != null && !c.getMessage().isEmpty()) {
            reason = c;
            break;
          }
        }
        String m = reason.getMessage();
        return m == null || m.isEmpty() ? t.getClass().getSimpleName() : Quoting.escapeControls(m);
      }
    }
    return null;
  }


  private static ConnectionLimiter.Permit acquire(ConnectionLimiter limiter, long deadline) throws IOException {
    try {
      return limiter.acquire(deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a connection slot");
    }
  }

  private static int grpcStatus(@Nullable String value) {
    if (value == null || value.isEmpty() || value.length() > 2) {
      return -1;
    }
    int n = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  /**
   * The status outlier detection counts: the HTTP status, or for a gRPC error in a 200 response
   * the HTTP status Envoy maps it to ({@code Grpc::Utility::grpcToHttpStatus}).
   */
  static int outlierStatus(int status, @Nullable String grpc) {
    int code = grpcStatus(grpc);
    if (status != 200 || code <= 0) {
      return status;
    }
    return switch (code) {
      case 1 -> 499;
      case 3, 9, 11 -> 400;
      case 4 -> 504;
      case 5 -> 404;
      case 6, 10 -> 409;
      case 7 -> 403;
      case 8 -> 429;
      case 12 -> 501;
      case 14 -> 503;
      case 16 -> 401;
      default -> 500;
    };
  }

  private static OutlierDetector.LocalOrigin localOrigin(UpstreamFailure failure) {
    return switch (failure) {
      case CONNECT_FAILURE -> OutlierDetector.LocalOrigin.CONNECT_FAILURE;
      case CONNECT_TIMEOUT -> OutlierDetector.LocalOrigin.CONNECT_TIMEOUT;
      case TIMEOUT -> OutlierDetector.LocalOrigin.TIMEOUT;
      case CONNECTION_TERMINATION, REMOTE_RESET, PROTOCOL_ERROR, RETHROW -> OutlierDetector.LocalOrigin.RESET;
    };
  }

  static void end(@Nullable UpstreamHost host, ConnectionLimiter.Permit permit) {
    if (host != null) {
      host.state().requestEnded();
    }
    permit.release();
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

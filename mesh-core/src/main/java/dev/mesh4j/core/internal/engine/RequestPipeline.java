package dev.mesh4j.core.internal.engine;

import dev.mesh4j.api.config.HttpFaultInjection;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.api.runtime.Sleeper;
import dev.mesh4j.core.http.Exchange;
import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.http.LocalReply;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.http.UpstreamFailure;
import dev.mesh4j.core.http.UpstreamRequest;
import dev.mesh4j.core.internal.cluster.Cluster;
import dev.mesh4j.core.internal.lb.PickContext;
import dev.mesh4j.core.internal.lb.UpstreamHost;
import dev.mesh4j.core.internal.routing.CompiledDestination;
import dev.mesh4j.core.internal.routing.CompiledMatch;
import dev.mesh4j.core.internal.routing.CompiledRoute;
import dev.mesh4j.core.internal.routing.RouteAction;
import dev.mesh4j.core.internal.snapshot.MeshSnapshot;
import dev.mesh4j.core.internal.telemetry.RequestTelemetry;
import dev.mesh4j.core.internal.telemetry.Telemetry;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One application request through the mesh: route, inject faults, pick a cluster and endpoint,
 * send through the transport and answer locally where Envoy would. Stateless apart from its
 * injected seams; thread-safe.
 */
public final class RequestPipeline {
  /** How often an injected delay checks whether the application cancelled the call. */
  static final Duration CANCEL_CHECK = Duration.ofMillis(10);

  private final RandomSource random;
  private final Sleeper sleeper;
  private final boolean shadowHostSuffix;
  private final Telemetry telemetry;
  /** Shared: a context without per-request state needs no allocation per pick. */
  private final PickContext pickContext;

  /**
   * @param shadowHostSuffix whether mirrored requests get {@code -shadow} appended to their
   *     host (Istio before 1.28; off by default since)
   */
  public RequestPipeline(RandomSource random, Sleeper sleeper, boolean shadowHostSuffix, Telemetry telemetry) {
    this.random = random;
    this.sleeper = sleeper;
    this.shadowHostSuffix = shadowHostSuffix;
    this.telemetry = telemetry;
    this.pickContext = PickContext.of(random);
  }

  public <R> R execute(MeshSnapshot snapshot, MeshRequest request, Exchange<R> exchange) throws IOException {
    RequestTelemetry<R> t = telemetry.start(request, exchange);  // telemetry: request start (context merged)
    try {
      return t.end(dispatch(snapshot, t.request(), exchange, t));  // telemetry: request end, at body end
    } catch (IOException | RuntimeException | Error e) {
      t.failed(e);  // telemetry: request end (failed)
      throw e;
    }
  }

  /** Routes {@code request} (the application's, with the inbound context's headers merged in). */
  private <R> R dispatch(MeshSnapshot snapshot, MeshRequest request, Exchange<R> exchange, RequestTelemetry<R> t)
      throws IOException {
    RouteResult result = Router.route(snapshot, request);
    t.routed(result.decision(request));  // telemetry: routing decided
    switch (result.outcome()) {
      case BLACKHOLE:
        return exchange.reply(LocalReplies.BLACKHOLE);
      case NO_ROUTE:
        return exchange.reply(LocalReplies.NO_ROUTE);
      case PASSTHROUGH:
        return send(passthrough(request, request.path(), request.authority(), HeaderMutation.NONE), exchange, t);
      default:
        return forward(result.match(), result.port(), request, exchange, t);
    }
  }

  /** One passthrough attempt, without a local reply for failures (as before telemetry). */
  private static <R> R send(UpstreamRequest upstream, Exchange<R> exchange, RequestTelemetry<R> t)
      throws IOException {
    UpstreamRequest sent = t.attemptStarted(upstream);  // telemetry: attempt start (adds context + trace headers)
    R response;
    try {
      response = exchange.send(sent);
    } catch (IOException e) {
      t.attemptFailed(sent, exchange.classify(e), e);  // telemetry: attempt end (failed)
      throw e;
    }
    t.attemptEnded(sent, response);  // telemetry: attempt end (response headers)
    return response;
  }

  private <R> R forward(CompiledMatch match, int port, MeshRequest request, Exchange<R> exchange,
      RequestTelemetry<R> t) throws IOException {
    CompiledRoute route = match.route();
    RouteAction action = route.action();
    if (action instanceof RouteAction.Redirect r) {
      return respond(exchange, LocalReplies.redirect(r.redirect(), request), r.responseHeaders());
    }
    if (action instanceof RouteAction.Direct d) {
      return respond(exchange, LocalReplies.direct(d.response()), d.responseHeaders());
    }
    HttpFaultInjection fault = route.config().fault();
    if (fault != null) {
      LocalReply abort = injectFault(fault, exchange, t);
      if (abort != null) {
        return exchange.reply(abort);
      }
    }
    // One random value per request picks the weighted destination and samples mirrors, as
    // Envoy's stream id does.
    long streamRandom = random.nextLong();
    CompiledDestination dest = ((RouteAction.Forward) action).pick(streamRandom);
    Cluster cluster = dest.cluster(port);
    t.destination(dest, cluster);  // telemetry: destination picked
    if (cluster == null) {
      return exchange.reply(LocalReplies.NO_CLUSTER);
    }
    if (cluster.failure() != null) {
      return exchange.reply(LocalReplies.clusterFailure(cluster.failure()));
    }
    String path = route.rewritePath(request.path(), match);
    String authority = dest.authority() != null ? dest.authority() : request.authority();
    UpstreamRequest upstream;
    UpstreamHost host = null;
    if (cluster.isPassthrough()) {
      upstream = passthrough(request, path, authority, dest.requestHeaders());
    } else {
      host = cluster.loadBalancer().pick(pickContext);
      if (host == null) {
        return exchange.reply(LocalReplies.NO_HEALTHY_UPSTREAM);
      }
      upstream = upstream(cluster, host, path, request.rawQuery(), authority, dest.requestHeaders(), request.host());
    }
    upstream = t.attemptStarted(upstream);  // telemetry: attempt start (adds context + trace headers)
    mirror(route, port, upstream, streamRandom, exchange);
    R response;
    if (host != null) {
      host.state().requestStarted();
    }
    try {
      response = exchange.send(upstream);
    } catch (IOException e) {
      if (host != null) {
        host.state().requestEnded();
      }
      UpstreamFailure failure = exchange.classify(e);
      t.attemptFailed(upstream, failure, e);  // telemetry: attempt end (failed)
      if (failure == UpstreamFailure.RETHROW) {
        throw e;
      }
      return exchange.reply(LocalReplies.failure(failure));
    } catch (RuntimeException | Error e) {
      if (host != null) {
        host.state().requestEnded();
      }
      throw e;
    }
    t.attemptEnded(upstream, response);  // telemetry: attempt end (response headers)
    if (host != null) {
      UpstreamHost done = host;
      response = exchange.whenComplete(response, () -> done.state().requestEnded());
    }
    HeaderMutation responseHeaders = dest.responseHeaders();
    return responseHeaders.isEmpty() ? response : exchange.mutateResponse(response, responseHeaders);
  }

  private <R> R respond(Exchange<R> exchange, LocalReply reply, HeaderMutation responseHeaders) {
    R r = exchange.reply(reply);
    return responseHeaders.isEmpty() ? r : exchange.mutateResponse(r, responseHeaders);
  }

  /** Delay (blocking, cancellable by the application), then maybe an abort reply. */
  private LocalReply injectFault(HttpFaultInjection fault, Exchange<?> exchange, RequestTelemetry<?> t)
      throws IOException {
    HttpFaultInjection.Delay delay = fault.delay();
    if (delay != null && hit(delay.percentage())) {
      sleep(delay.fixedDelay(), exchange);
      t.faultInjected("DI");  // telemetry: fault injected (delay)
    }
    HttpFaultInjection.Abort abort = fault.abort();
    if (abort != null && hit(abort.percentage())) {
      t.faultInjected("FI");  // telemetry: fault injected (abort)
      return abort.httpStatus() != null
          ? LocalReplies.abort(abort.httpStatus())
          : LocalReplies.grpcAbort(abort.grpcStatus());
    }
    return null;
  }

  /** Whether a percentage (0..100, granularity 0.0001) fires, drawn per million. */
  private boolean hit(double percentage) {
    long perMillion = Math.round(percentage * 10_000);
    return perMillion > 0 && random.nextInt(1_000_000) < perMillion;
  }

  private void sleep(Duration delay, Exchange<?> exchange) throws IOException {
    Duration left = delay;
    try {
      while (!left.isZero() && !left.isNegative()) {
        if (exchange.isCancelled()) {
          throw new InterruptedIOException("canceled during injected delay");
        }
        Duration step = left.compareTo(CANCEL_CHECK) < 0 ? left : CANCEL_CHECK;
        sleeper.sleep(step);
        left = left.minus(step);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted during injected delay");
    }
  }

  private void mirror(CompiledRoute route, int port, UpstreamRequest main, long streamRandom,
      Exchange<?> exchange) {
    for (CompiledRoute.Mirror m : route.mirrors()) {
      if (Long.remainderUnsigned(streamRandom, 1_000_000) >= m.perMillion()) {
        continue;
      }
      Cluster c = m.destination().cluster(port);
      if (c == null || c.failure() != null) {
        continue;
      }
      UpstreamHost h = c.isPassthrough() ? null : c.loadBalancer().pick(pickContext);
      if (h == null && !c.isPassthrough()) {
        continue;
      }
      String authority = shadowHostSuffix ? shadowAuthority(main.authority()) : main.authority();
      exchange.mirror(h == null
          ? new UpstreamRequest(null, main.scheme(), main.path(), main.rawQuery(), authority, main.headers(), 1, null, null, null)
          : upstream(c, h, main.path(), main.rawQuery(), authority, main.headers(), c.key().host()));
    }
  }

  /** Envoy inserts {@code -shadow} before the port: {@code host:80} becomes {@code host-shadow:80}. */
  static String shadowAuthority(String authority) {
    int colon = authority.lastIndexOf(':');
    if (colon > 0 && authority.indexOf(']') < colon) {
      return authority.substring(0, colon) + "-shadow" + authority.substring(colon);
    }
    return authority + "-shadow";
  }

  private static UpstreamRequest passthrough(MeshRequest request, String path, String authority,
      HeaderMutation headers) {
    return new UpstreamRequest(null, request.scheme(), path, request.rawQuery(), authority, headers, 1,
        null, null, null);
  }

  private static UpstreamRequest upstream(Cluster cluster, UpstreamHost host, String path,
      @Nullable String query, String authority, HeaderMutation headers, String logicalHost) {
    var tls = cluster.tls();
    String sni = tls == null ? null : tls.sni() != null ? tls.sni() : logicalHost;
    var pool = cluster.policy().connectionPool();
    Duration connectTimeout = pool == null || pool.tcp() == null ? null : pool.tcp().connectTimeout();
    return new UpstreamRequest(host.endpoint(), tls == null ? "http" : "https", path, query, authority,
        headers, 1, tls, sni, connectTimeout);
  }
}

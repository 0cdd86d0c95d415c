package dev.mesh4j.core.internal.engine;

import dev.mesh4j.api.config.HttpFaultInjection;
import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.api.runtime.Sleeper;
import dev.mesh4j.api.runtime.Ticker;
import dev.mesh4j.api.runtime.WorkloadIdentity;
import dev.mesh4j.core.http.Exchange;
import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.http.LocalReply;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.http.ResponseInfo;
import dev.mesh4j.core.http.UpstreamFailure;
import dev.mesh4j.core.http.UpstreamRequest;
import dev.mesh4j.core.internal.cluster.Cluster;
import dev.mesh4j.core.internal.cluster.ClusterTable;
import dev.mesh4j.core.internal.identity.IdentityState;
import dev.mesh4j.core.internal.lb.PickContext;
import dev.mesh4j.core.internal.lb.UpstreamHost;
import dev.mesh4j.core.internal.lb.hash.RequestHash;
import dev.mesh4j.core.internal.resilience.RetryPolicy;
import dev.mesh4j.core.internal.routing.CompiledDestination;
import dev.mesh4j.core.internal.routing.CompiledMatch;
import dev.mesh4j.core.internal.routing.CompiledRoute;
import dev.mesh4j.core.internal.routing.HeaderTemplate;
import dev.mesh4j.core.internal.routing.RouteAction;
import dev.mesh4j.core.internal.snapshot.MeshSnapshot;
import dev.mesh4j.core.internal.telemetry.RequestObserver;
import dev.mesh4j.core.internal.telemetry.Telemetry;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One application request through the mesh: route, inject faults, pick a cluster and endpoint,
 * send through the transport and answer locally where Envoy would. Stateless apart from its
 * injected seams; thread-safe.
 */
public final class RequestPipeline {
  private final RandomSource random;
  private final Sleeper sleeper;
  private final boolean shadowHostSuffix;
  private final Ticker ticker;
  private final AttemptLoop loop;
  private final Telemetry telemetry;
  /** Shared: mirror picks need no per-request state. */
  private final PickContext pickContext;
  private final IdentityState identities;

  /**
   * @param shadowHostSuffix whether mirrored requests get {@code -shadow} appended to their
   *     host (Istio before 1.28; off by default since)
   * @param identities the workload identity mutual TLS presents
   */
  public RequestPipeline(RandomSource random, Sleeper sleeper, Ticker ticker, boolean shadowHostSuffix,
      Telemetry telemetry, IdentityState identities) {
    this.telemetry = telemetry;
    this.random = random;
    this.sleeper = sleeper;
    this.ticker = ticker;
    this.identities = identities;
    this.loop = new AttemptLoop(random, sleeper, ticker, identities);
    this.shadowHostSuffix = shadowHostSuffix;
    this.pickContext = PickContext.of(random);
  }

  public <R> R execute(MeshSnapshot snapshot, MeshRequest request, Exchange<R> exchange) throws IOException {
    RequestObserver<R> t = telemetry.start(request);  // telemetry: request start (context merged)
    try {
      return dispatch(snapshot, t.request(request), exchange, t);  // ends with the response's body
    } catch (IOException | RuntimeException | Error e) {
      t.failed(e);  // telemetry: request end (failed)
      throw e;
    }
  }

  /** Routes {@code request} (the application's, with the inbound context's headers merged in). */
  private <R> R dispatch(MeshSnapshot snapshot, MeshRequest request, Exchange<R> exchange, RequestObserver<R> t)
      throws IOException {
    RouteResult result = Router.route(snapshot, request);
    if (t.active()) {
      t.routed(result.decision(request));  // telemetry: routing decided
    }
    switch (result.outcome()) {
      case BLACKHOLE:
        return AttemptLoop.reply(exchange, t, LocalReplies.BLACKHOLE);
      case NO_ROUTE:
        return AttemptLoop.reply(exchange, t, LocalReplies.NO_ROUTE);
      case PASSTHROUGH:
        return send(Attempts.upstream(Origination.passthrough(request.scheme()), null, null, request.path(),
            request.rawQuery(), request.authority(), HeaderMutation.NONE, 1, null, null), exchange, t);
      default:
        return forward(snapshot.clusterTable(), result.match(), result.port(), request, exchange, t);
    }
  }

  /** One passthrough attempt: failures reach the application as they would without the mesh. */
  private static <R> R send(UpstreamRequest upstream, Exchange<R> exchange, RequestObserver<R> t)
      throws IOException {
    UpstreamRequest sent = t.attemptStarted(upstream);  // telemetry: attempt start (adds context + trace headers)
    R response;
    try {
      response = exchange.send(sent);
    } catch (IOException e) {
      t.attemptFailed(sent, exchange.classify(e), e);  // telemetry: attempt end (failed)
      throw e;
    }
    ResponseInfo info = exchange.view(response);
    t.attemptEnded(sent, info);  // telemetry: attempt end (response headers)
    t.responded(info, "");
    return exchange.complete(response, HeaderMutation.NONE, t);  // telemetry: request end, when the body is done
  }

  /** Forwards a routed request to a cluster of {@code clusters}, the table of the snapshot it was routed on. */
  private <R> R forward(ClusterTable clusters, CompiledMatch match, int port, MeshRequest request,
      Exchange<R> exchange, RequestObserver<R> t) throws IOException {
    CompiledRoute route = match.route();
    RouteAction action = route.action();
    // Only routes whose header values have %VARIABLE%s read the clock and keep values.
    HeaderValues values = route.formatsHeaders()
        ? new HeaderValues(request, route.name(), telemetry.clock().millis()) : null;
    if (action instanceof RouteAction.Redirect r) {
      LocalReply reply = LocalReplies.redirect(r.redirect(), request, match);
      return respond(exchange, t, reply, r.responseHeaders().format(values == null ? null
          : values.response(reply.status(), reply.flags(), null)));
    }
    if (action instanceof RouteAction.Direct d) {
      LocalReply reply = LocalReplies.direct(d.response());
      return respond(exchange, t, reply, d.responseHeaders().format(values == null ? null
          : values.response(reply.status(), reply.flags(), null)));
    }
    HttpFaultInjection fault = route.config().fault();
    if (fault != null) {
      LocalReply abort = injectFault(fault, exchange, t);
      if (abort != null) {
        return AttemptLoop.reply(exchange, t, abort);
      }
    }
    // The router's timer starts after the fault delay, as Envoy's fault filter runs before it.
    long deadline = deadline(route.config().timeout());
    // One random value per request picks the weighted destination and samples mirrors, as
    // Envoy's stream id does.
    long streamRandom = random.nextLong();
    CompiledDestination dest = ((RouteAction.Forward) action).pick(streamRandom);
    Cluster cluster = dest.cluster(clusters, port);
    t.destination(dest, cluster);  // telemetry: destination picked
    if (cluster == null) {
      return AttemptLoop.reply(exchange, t, LocalReplies.NO_CLUSTER);
    }
    if (cluster.failure() != null) {
      return AttemptLoop.reply(exchange, t, LocalReplies.clusterFailure(cluster.failure()));
    }
    if (route.isConnection() && cluster.tls() != null && request.scheme().equals("https")) {
      // Envoy would wrap the application's TLS in the cluster's; a client cannot, and replacing
      // the application's TLS (its trust, its pins) with the mesh's is not passing it through.
      return AttemptLoop.reply(exchange, t, LocalReplies.clusterFailure("the DestinationRule of " + cluster.name()
          + " originates TLS, and the application's own TLS to a TLS port is passed through untouched; mesh4j"
          + " does not wrap one in the other, so nothing was sent"));
    }
    String path = route.rewritePath(request.path(), match);
    String authority = dest.authority() != null ? dest.authority() : request.authority();
    RetryPolicy policy = route.retryPolicy();
    // Envoy hashes once per request and keeps the hash for every retry.
    RequestHash hash = route.hasher() == null ? RequestHash.NONE : route.hasher().hash(request, random);
    HeaderTemplate responseHeaders = dest.responseHeaders();
    if (!hash.setCookies().isEmpty()) {
      List<HeaderMutation.Op> cookies = new ArrayList<>();
      for (String cookie : hash.setCookies()) {
        cookies.add(new HeaderMutation.Op(HeaderMutation.Kind.ADD, "set-cookie", cookie));
      }
      responseHeaders = responseHeaders.after(HeaderMutation.of(cookies));
    }
    if (values != null) {
      values.cluster(cluster.name());
    }
    // Request header values are formatted once per request, before any endpoint is picked (Envoy).
    Attempts attempts = new Attempts(cluster, policy, responseHeaders, values, deadline, request.replayable(),
        random, hash, request, path, authority,
        // Istio's peer metadata exchange first, as its filter runs before the router's header
        // changes; NONE outside the mesh, and then() allocates nothing when one side is empty.
        cluster.peerMetadata().then(dest.requestHeaders().format(values)));
    // Envoy copies the request as sent on the first attempt (route headers, ids, trace context).
    // No mirrors, no callback: most routes need not allocate one.
    return loop.run(attempts, exchange, t, route.mirrors().isEmpty() ? null
        : first -> mirror(clusters, route, port, request.scheme(), first, streamRandom, exchange));
  }

  private long deadline(@Nullable Duration timeout) {
    if (timeout == null) {
      return Long.MAX_VALUE;
    }
    long now = ticker.nanos();
    long t = timeout.toNanos();
    return now > Long.MAX_VALUE - t ? Long.MAX_VALUE : now + t;
  }

  private <R> R respond(Exchange<R> exchange, RequestObserver<R> t, LocalReply reply,
      HeaderMutation responseHeaders) {
    return AttemptLoop.reply(exchange, t, reply, responseHeaders);
  }

  /** Delay (blocking, cancellable by the application), then maybe an abort reply. */
  private LocalReply injectFault(HttpFaultInjection fault, Exchange<?> exchange, RequestObserver<?> t)
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
    loop.waitCancellably(delay, exchange);
  }

  /** Mirrors the first attempt ({@code main}); each copy goes out as its own cluster and {@code scheme} say. */
  private void mirror(ClusterTable clusters, CompiledRoute route, int port, String scheme, UpstreamRequest main,
      long streamRandom, Exchange<?> exchange) {
    for (CompiledRoute.Mirror m : route.mirrors()) {
      if (Long.remainderUnsigned(streamRandom, 1_000_000) >= m.perMillion()) {
        continue;
      }
      Cluster c = m.destination().cluster(clusters, port);
      if (c == null || c.failure() != null) {
        continue;
      }
      UpstreamHost h = c.isPassthrough() ? null : c.loadBalancer().pick(pickContext);
      if (h == null && !c.isPassthrough()) {
        continue;
      }
      Origination o = Origination.of(c, h, c.key().host(), scheme);
      WorkloadIdentity identity = Origination.needsIdentity(o.tls()) ? identities.identity() : null;
      if (identity == null && Origination.needsIdentity(o.tls())) {
        continue;  // never in plain text; the main request says why
      }
      String authority = shadowHostSuffix ? shadowAuthority(main.authority()) : main.authority();
      exchange.mirror(Attempts.upstream(o, h == null ? null : h.endpoint(), identity, main.path(), main.rawQuery(),
          authority, main.headers(), 1, null, null));
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
}

package dev.mesh4j.core.internal.telemetry;

import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.http.LocalReply;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.http.ResponseInfo;
import dev.mesh4j.core.http.UpstreamFailure;
import dev.mesh4j.core.http.UpstreamRequest;
import dev.mesh4j.core.internal.cluster.Cluster;
import dev.mesh4j.core.internal.routing.CompiledDestination;
import dev.mesh4j.core.observe.MeshAttempt;
import dev.mesh4j.core.observe.MeshCall;
import dev.mesh4j.core.observe.MeshListener;
import dev.mesh4j.core.observe.RetryDecision;
import dev.mesh4j.core.observe.RouteDecision;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The telemetry of one application request: its id and context headers, its trace context and
 * spans, and the listener events. The pipeline calls it at request start, after routing, around
 * each attempt and at the end; each call is one line there.
 *
 * <p>Calls for one request come one at a time (the request's own thread, then whichever thread
 * finishes the response body); not thread-safe beyond that.
 */
public final class RequestTelemetry<R> implements RequestObserver<R>, MeshCall {
  private final Telemetry telemetry;
  /** The listeners in force when this request started: it tells them all of its events. */
  private final MeshListener listener;
  private final OutboundContext context;
  private final long startNanos;
  private final long startMillis;
  /** The request span's context: the SDK's span, or ids of mesh4j's own. */
  private final SpanContext spanContext;
  /** The SDK's request span, or null without an SDK. */
  private final @Nullable Span span;
  private final boolean grpc;
  private final long requestBytes;

  private @Nullable RouteDecision route;
  private @Nullable AttemptTelemetry lastAttempt;
  private int attempts;
  private boolean delayInjected;
  private int status;
  private String flags = "";
  private @Nullable String grpcStatus;
  private @Nullable String protocol;
  private @Nullable String peerPrincipal;
  private @Nullable String peerMetadata;
  private @Nullable String localPrincipal;
  private long responseBytes = -1;
  private long durationNanos = -1;
  private @Nullable Throwable failure;
  private boolean ended;

  RequestTelemetry(Telemetry telemetry, MeshRequest app) {
    this.telemetry = telemetry;
    this.listener = telemetry.listener();
    this.startNanos = telemetry.ticker.nanos();
    this.startMillis = telemetry.clock.millis();
    this.context = new OutboundContext(app, Context.current(), telemetry.random);
    SpanContext parent = context.parent;
    Span s = null;
    if (telemetry.tracer != null) {
      s = telemetry.tracer.spanBuilder(app.method()).setSpanKind(SpanKind.CLIENT)
          .setParent(context.parentContext).startSpan();
      if (!isNew(s.getSpanContext(), parent)) {
        s = null;
      } else if (s.isRecording()) {
        SpanAttributes.requestStarted(s, app, context.requestId);
      }
    }
    this.span = s;
    this.spanContext = s != null ? s.getSpanContext() : child(parent);
    String contentType = app.header("content-type");
    this.grpc = contentType != null && contentType.startsWith("application/grpc");
    this.requestBytes = app.bodyLength();
    listener.requestStarted(this);
  }

  /** Whether the tracer made a span of its own (an SDK) rather than handing back the parent. */
  private static boolean isNew(SpanContext made, SpanContext parent) {
    return made.isValid() && !made.getSpanId().equals(parent.getSpanId());
  }

  /** A child of {@code parent} (or the root of a new trace) with ids of mesh4j's own. */
  private SpanContext child(SpanContext parent) {
    if (parent.isValid()) {
      return SpanContext.create(parent.getTraceId(), Ids.spanId(telemetry.random), parent.getTraceFlags(),
          parent.getTraceState());
    }
    return SpanContext.create(Ids.traceId(telemetry.random), Ids.spanId(telemetry.random),
        telemetry.sampleNewTrace(), TraceState.getDefault());
  }

  /** The request as routed and sent (the application's, with the context's headers merged in). */
  @Override
  public MeshRequest request() {
    return context.request;
  }

  /** Whether a span or a listener will read the route decision; ids and headers need none. */
  @Override
  public boolean active() {
    return telemetry.observesRoutes(listener);
  }

  @Override
  public MeshRequest request(MeshRequest application) {
    return context.request;
  }

  // ---- events -------------------------------------------------------------------------------

  /** After routing decided. */
  @Override
  public void routed(RouteDecision decision) {
    this.route = decision;
    if (span != null && span.isRecording()) {
      SpanAttributes.routed(span, decision);
    }
    listener.routed(this);
  }

  /** After the weighted destination was picked; {@code cluster} null when it has none (NC). */
  @Override
  public void destination(CompiledDestination destination, @Nullable Cluster cluster) {
    RouteDecision r = route;
    if (r == null) {
      return;
    }
    String host = cluster != null ? cluster.service().hostname() : destination.host();
    RouteDecision picked = r.withDestination(host, cluster != null ? cluster.service().namespace() : null,
        destination.subset(), cluster != null ? cluster.name() : null);
    this.route = picked;
    if (span != null && span.isRecording()) {
      SpanAttributes.routed(span, picked);
    }
    listener.destinationPicked(this);
  }

  /** A fault was injected: {@code DI} (delay) or {@code FI} (abort). */
  @Override
  public void faultInjected(String flag) {
    if (flag.equals("DI")) {
      delayInjected = true;
    }
    listener.faultInjected(this, flag);
  }

  /**
   * An attempt starts: returns {@code upstream} with the context's headers, the request id and
   * this attempt's trace headers (a new child span id) added.
   */
  @Override
  public UpstreamRequest attemptStarted(UpstreamRequest upstream) {
    AttemptTelemetry a = new AttemptTelemetry(upstream, telemetry.ticker.nanos());
    SpanContext asc = null;
    if (span != null) {
      Span as = telemetry.tracer.spanBuilder(context.request.method()).setSpanKind(SpanKind.CLIENT)
          .setParent(Context.root().with(span)).startSpan();
      if (isNew(as.getSpanContext(), spanContext)) {
        a.span = as;
        asc = as.getSpanContext();
        if (as.isRecording()) {
          SpanAttributes.attemptStarted(as, context.request, upstream, route);
        }
      }
    }
    // Without an SDK span, the attempt's span is an id of mesh4j's own in the request's trace.
    SpanContext trace = asc != null ? asc : spanContext;
    a.spanId = asc != null ? asc.getSpanId() : Ids.spanId(telemetry.random);
    // The request as sent: context headers, then the route's operations, then the trace headers.
    List<HeaderMutation.Op> routeOps = upstream.headers().ops();
    List<HeaderMutation.Op> ops = new ArrayList<>(
        context.headers.size() + routeOps.size() + context.staleTraceHeaders.size() + 6);
    ops.addAll(context.headers);
    ops.addAll(routeOps);
    ops.addAll(context.staleTraceHeaders);
    TraceHeaders.inject(trace.getTraceId(), a.spanId, trace.getTraceFlags(), trace.getTraceState(),
        spanContext.getSpanId(), telemetry.formats, ops);
    UpstreamRequest sent = upstream.withHeaders(HeaderMutation.of(ops));
    a.request = sent;
    lastAttempt = a;
    attempts++;
    listener.attemptStarted(this, a);
    return sent;
  }

  /** An attempt got response headers. */
  @Override
  public void attemptEnded(UpstreamRequest upstream, ResponseInfo response) {
    AttemptTelemetry a = open(upstream);
    if (a == null) {
      return;
    }
    a.durationNanos = telemetry.ticker.nanos() - a.startNanos;
    a.status = response.status();
    Span as = a.span;
    if (as != null) {
      if (as.isRecording()) {
        SpanAttributes.responded(as, a.status);
      }
      as.end();
    }
    listener.attemptEnded(this, a);
  }

  /** An attempt failed before response headers. */
  @Override
  public void attemptFailed(UpstreamRequest upstream, UpstreamFailure how, IOException e) {
    AttemptTelemetry a = open(upstream);
    if (a == null) {
      return;
    }
    a.durationNanos = telemetry.ticker.nanos() - a.startNanos;
    a.failure = how;
    Span as = a.span;
    if (as != null) {
      if (as.isRecording()) {
        SpanAttributes.attemptFailed(as, how, e);
      }
      as.end();
    }
    listener.attemptEnded(this, a);
  }

  private @Nullable AttemptTelemetry open(UpstreamRequest upstream) {
    AttemptTelemetry a = lastAttempt;
    return a != null && a.number == upstream.attempt() && a.isOpen() ? a : null;
  }

  /**
   * The request answered: returns the response arranged to end the request (span, metrics,
   * access log) when the application is done with its body.
   */
  @Override
  public void retryDecided(boolean afterAttempt, RetryDecision decision) {
    listener.retryDecided(this, afterAttempt ? lastAttempt : null, decision);
  }

  @Override
  public void overflow(String cluster, String limit) {
    listener.overflow(this, cluster, limit);
  }

  @Override
  public void localReply(LocalReply reply) {
    listener.localReply(this, reply);
  }

  @Override
  public void responded(ResponseInfo info, String replyFlags) {
    status = info.status();
    flags = delayInjected ? (replyFlags.isEmpty() ? "DI" : "DI," + replyFlags) : replyFlags;
    grpcStatus = grpc ? info.grpcStatus() : null;
    protocol = info.protocol();
    peerPrincipal = info.peerPrincipal();
    peerMetadata = info.peerMetadata();
    localPrincipal = info.localPrincipal();
  }

  /** The response body is done: {@code bodyBytes} read by the application (-1 unknown). */
  @Override
  public void accept(long bodyBytes) {
    if (ended) {
      return;
    }
    ended = true;
    responseBytes = bodyBytes;
    durationNanos = telemetry.ticker.nanos() - startNanos;
    Span s = span;
    if (s != null) {
      if (s.isRecording()) {
        SpanAttributes.requestEnded(s, status, flags, attempts);
      }
      s.end();
    }
    listener.requestEnded(this);
  }

  /**
   * The request failed with an exception the application gets (its own cancellation or timeout,
   * or a bug): ends it with status 0 and, for an I/O failure, flag {@code DC}, as Envoy logs a
   * downstream that went away.
   */
  @Override
  public void failed(Throwable e) {
    if (ended) {
      return;
    }
    ended = true;
    failure = e;
    status = 0;
    flags = e instanceof IOException ? (delayInjected ? "DI,DC" : "DC") : (delayInjected ? "DI" : "");
    durationNanos = telemetry.ticker.nanos() - startNanos;
    AttemptTelemetry a = lastAttempt;
    if (a != null && a.isOpen() && a.span != null) {
      a.span.end();
    }
    Span s = span;
    if (s != null) {
      if (s.isRecording()) {
        SpanAttributes.requestFailed(s, e, attempts);
      }
      s.end();
    }
    listener.requestEnded(this);
  }

  // ---- MeshCall -----------------------------------------------------------------------------

  @Override
  public String requestId() {
    return context.requestId;
  }

  @Override
  public String traceId() {
    return spanContext.getTraceId();
  }

  @Override
  public String spanId() {
    return spanContext.getSpanId();
  }

  @Override
  public boolean sampled() {
    return spanContext.isSampled();
  }

  @Override
  public long startNanos() {
    return startNanos;
  }

  @Override
  public Instant startTime() {
    return Instant.ofEpochMilli(startMillis);
  }

  @Override
  public @Nullable RouteDecision route() {
    return route;
  }

  @Override
  public int attempts() {
    return attempts;
  }

  @Override
  public @Nullable MeshAttempt lastAttempt() {
    return lastAttempt;
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public String responseFlags() {
    return flags;
  }

  @Override
  public @Nullable String grpcStatus() {
    return grpcStatus;
  }

  @Override
  public boolean isGrpc() {
    return grpc;
  }

  @Override
  public long requestBytes() {
    return requestBytes;
  }

  @Override
  public long responseBytes() {
    return responseBytes;
  }

  @Override
  public @Nullable String protocol() {
    return protocol;
  }

  @Override
  public @Nullable String peerPrincipal() {
    return peerPrincipal;
  }

  @Override
  public @Nullable String localPrincipal() {
    return localPrincipal;
  }

  @Override
  public @Nullable String peerMetadata() {
    return peerMetadata;
  }

  @Override
  public long durationNanos() {
    return durationNanos;
  }

  @Override
  public @Nullable Throwable failure() {
    return failure;
  }

  @Override
  public String toString() {
    return "MeshCall{" + context.request.method() + " " + SpanAttributes.url(context.request) + ", x-request-id="
        + context.requestId + ", trace=" + spanContext.getTraceId() + "/" + spanContext.getSpanId() + "}";
  }
}

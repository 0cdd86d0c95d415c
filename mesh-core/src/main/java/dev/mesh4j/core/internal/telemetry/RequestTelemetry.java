package dev.mesh4j.core.internal.telemetry;

import dev.mesh4j.api.endpoint.Endpoint;
import dev.mesh4j.core.http.Exchange;
import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.http.MeshRequest;
import dev.mesh4j.core.http.ResponseInfo;
import dev.mesh4j.core.http.UpstreamFailure;
import dev.mesh4j.core.http.UpstreamRequest;
import dev.mesh4j.core.internal.cluster.Cluster;
import dev.mesh4j.core.internal.routing.CompiledDestination;
import dev.mesh4j.core.observe.MeshAttempt;
import dev.mesh4j.core.observe.MeshCall;
import dev.mesh4j.core.observe.RouteDecision;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.BaggageBuilder;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The telemetry of one application request: its id and context headers, its trace context and
 * spans, and the listener events. The pipeline calls it at request start, after routing, around
 * each attempt and at the end; each call is one line there.
 *
 * <p>Calls for one request come one at a time (the request's own thread, then whichever thread
 * finishes the response body); not thread-safe beyond that.
 */
public final class RequestTelemetry<R> implements MeshCall, LongConsumer {
  // OpenTelemetry HTTP client semantic conventions (stable).
  static final AttributeKey<String> HTTP_REQUEST_METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<Long> HTTP_REQUEST_RESEND_COUNT = AttributeKey.longKey("http.request.resend_count");
  static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> NETWORK_PEER_ADDRESS = AttributeKey.stringKey("network.peer.address");
  static final AttributeKey<Long> NETWORK_PEER_PORT = AttributeKey.longKey("network.peer.port");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  // mesh4j's own.
  static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("mesh4j.request_id");
  static final AttributeKey<String> VIRTUAL_SERVICE = AttributeKey.stringKey("mesh4j.virtual_service");
  static final AttributeKey<String> ROUTE = AttributeKey.stringKey("mesh4j.route");
  static final AttributeKey<String> CLUSTER = AttributeKey.stringKey("mesh4j.cluster");
  static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("mesh4j.destination_service");
  static final AttributeKey<String> SUBSET = AttributeKey.stringKey("mesh4j.subset");
  static final AttributeKey<String> ENDPOINT = AttributeKey.stringKey("mesh4j.endpoint");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("mesh4j.attempt");
  static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("mesh4j.attempts");
  static final AttributeKey<String> RESPONSE_FLAGS = AttributeKey.stringKey("mesh4j.response_flags");

  private final Telemetry telemetry;
  private final Exchange<R> exchange;
  private final MeshRequest request;
  private final long startNanos;
  private final long startMillis;
  private final String requestId;
  /** Context headers the request lacks, written before the route's own header operations. */
  private final HeaderMutation contextHeaders;
  /** Trace headers the application set, removed before ours are written (never forwarded verbatim). */
  private final List<HeaderMutation.Op> staleTraceHeaders;
  private final SpanContext spanContext;
  private final @Nullable Span span;
  private final boolean grpc;
  private final long requestBytes;

  private @Nullable RouteDecision route;
  private @Nullable Attempt lastAttempt;
  private int attempts;
  private boolean delayInjected;
  private int status;
  private String flags = "";
  private @Nullable String grpcStatus;
  private @Nullable String protocol;
  private long responseBytes = -1;
  private long durationNanos = -1;
  private @Nullable Throwable failure;
  private boolean ended;

  RequestTelemetry(Telemetry telemetry, MeshRequest app, Exchange<R> exchange) {
    this.telemetry = telemetry;
    this.exchange = exchange;
    this.startNanos = telemetry.ticker.nanos();
    this.startMillis = telemetry.clock.millis();
    Context current = Context.current();
    InboundContext inbound = current.get(InboundContext.KEY);
    if (inbound == null) {
      inbound = InboundContext.EMPTY;
    }
    HeaderLookup appHeaders = app::header;

    // What the request lacks and the context has: the request as it will be sent.
    Extras extras = new Extras();
    String id = HeaderValues.clean(app.header(TraceHeaders.REQUEST_ID), HeaderValues.MAX_REQUEST_ID);
    if (id == null || id.isBlank()) {
      id = inbound.requestId() != null ? inbound.requestId() : Ids.requestId(telemetry.random);
      extras.set(TraceHeaders.REQUEST_ID, id);
    }
    this.requestId = id;
    for (int i = 0, n = inbound.headerCount(); i < n; i++) {
      String name = inbound.headerName(i);
      if (app.header(name) == null) {
        extras.set(name, inbound.headerValue(i));
      }
    }
    if (inbound.otSpanContext() != null && app.header(TraceHeaders.OT_SPAN_CONTEXT) == null) {
      extras.set(TraceHeaders.OT_SPAN_CONTEXT, inbound.otSpanContext());
    }
    baggage(app, appHeaders, inbound, current, extras);
    this.contextHeaders = extras.ops == null ? HeaderMutation.NONE : HeaderMutation.of(extras.ops);
    this.request = extras.names == null ? app
        : new PropagatedRequest(app, extras.names.toArray(new String[0]), extras.values.toArray(new String[0]));

    // The parent: trace headers the application set itself (what a sidecar would see), else
    // the application's current OpenTelemetry span, else the inbound context's.
    List<HeaderMutation.Op> stale = null;
    for (String name : TraceHeaders.TRACE_HEADERS) {
      if (app.header(name) != null) {
        if (stale == null) {
          stale = new ArrayList<>(4);
        }
        stale.add(new HeaderMutation.Op(HeaderMutation.Kind.REMOVE, name, ""));
      }
    }
    this.staleTraceHeaders = stale == null ? List.of() : stale;
    SpanContext parent = stale == null ? SpanContext.getInvalid() : TraceHeaders.extract(appHeaders);
    Context parentContext = current;
    if (parent.isValid()) {
      parentContext = current.with(Span.wrap(parent));
    } else {
      parent = Span.fromContext(current).getSpanContext();
      if (!parent.isValid() && inbound.spanContext().isValid()) {
        parent = inbound.spanContext();
        parentContext = current.with(Span.wrap(parent));
      }
    }

    String method = app.method();
    Span s = null;
    SpanContext sc = null;
    if (telemetry.tracer != null) {
      s = telemetry.tracer.spanBuilder(method).setSpanKind(SpanKind.CLIENT).setParent(parentContext).startSpan();
      if (isNew(s.getSpanContext(), parent)) {
        sc = s.getSpanContext();
        if (s.isRecording()) {
          s.setAttribute(HTTP_REQUEST_METHOD, method);
          s.setAttribute(URL_FULL, url(app));
          s.setAttribute(SERVER_ADDRESS, app.host());
          s.setAttribute(SERVER_PORT, (long) app.port());
          s.setAttribute(REQUEST_ID, requestId);
        }
      } else {
        s = null;
      }
    }
    this.span = s;
    this.spanContext = sc != null ? sc : child(parent);
    String contentType = app.header("content-type");
    this.grpc = contentType != null && contentType.startsWith("application/grpc");
    this.requestBytes = exchange.requestBodySize();
    telemetry.listener.requestStarted(this);
  }

  /** Baggage sent: the context's, the current OpenTelemetry baggage's, the request's own (winning). */
  private static void baggage(MeshRequest app, HeaderLookup appHeaders, InboundContext inbound, Context current,
      Extras extras) {
    String own = app.header(TraceHeaders.BAGGAGE_HEADER);
    Baggage otel = Baggage.fromContextOrNull(current);
    boolean hasOtel = otel != null && !otel.isEmpty();
    if (own == null && !hasOtel) {
      if (inbound.baggageHeader() != null) {
        extras.set(TraceHeaders.BAGGAGE_HEADER, inbound.baggageHeader());
      }
      return;
    }
    Baggage ownBaggage = own == null ? Baggage.empty() : TraceHeaders.extractBaggage(appHeaders);
    if (own != null && !hasOtel && inbound.baggage().isEmpty() && !ownBaggage.isEmpty()
        && HeaderValues.clean(own, HeaderValues.MAX_BAGGAGE) != null) {
      return; // the application's own, valid, and nothing to add
    }
    BaggageBuilder merged = inbound.baggage().toBuilder();
    if (hasOtel) {
      otel.forEach((k, v) -> merged.put(k, v.getValue(), v.getMetadata()));
    }
    ownBaggage.forEach((k, v) -> merged.put(k, v.getValue(), v.getMetadata()));
    String header = TraceHeaders.baggageHeader(merged.build());
    if (header != null) {
      extras.set(TraceHeaders.BAGGAGE_HEADER, header);
    } else if (own != null) {
      extras.remove(TraceHeaders.BAGGAGE_HEADER);
    }
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
    return request;
  }

  // ---- events -------------------------------------------------------------------------------

  /** After routing decided. */
  public void routed(RouteDecision decision) {
    this.route = decision;
    if (span != null && span.isRecording()) {
      if (decision.virtualService() != null) {
        span.setAttribute(VIRTUAL_SERVICE, decision.virtualService());
      }
      if (decision.routeName() != null) {
        span.setAttribute(ROUTE, decision.routeName());
      }
    }
    telemetry.listener.routed(this);
  }

  /** After the weighted destination was picked; {@code cluster} null when it has none (NC). */
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
      span.setAttribute(DESTINATION, host);
      if (picked.cluster() != null) {
        span.setAttribute(CLUSTER, picked.cluster());
      }
      if (picked.subset() != null) {
        span.setAttribute(SUBSET, picked.subset());
      }
    }
    telemetry.listener.destinationPicked(this);
  }

  /** A fault was injected: {@code DI} (delay) or {@code FI} (abort). */
  public void faultInjected(String flag) {
    if (flag.equals("DI")) {
      delayInjected = true;
    }
    telemetry.listener.faultInjected(this, flag);
  }

  /**
   * An attempt starts: returns {@code upstream} with the context's headers, the request id and
   * this attempt's trace headers (a new child span id) added.
   */
  public UpstreamRequest attemptStarted(UpstreamRequest upstream) {
    Attempt a = new Attempt(upstream.attempt(), upstream.endpoint(), telemetry.ticker.nanos());
    SpanContext asc = null;
    if (span != null) {
      Span as = telemetry.tracer.spanBuilder(request.method()).setSpanKind(SpanKind.CLIENT)
          .setParent(Context.root().with(span)).startSpan();
      if (isNew(as.getSpanContext(), spanContext)) {
        a.span = as;
        asc = as.getSpanContext();
        if (as.isRecording()) {
          describeAttempt(as, upstream);
        }
      }
    }
    if (asc == null) {
      asc = SpanContext.create(spanContext.getTraceId(), Ids.spanId(telemetry.random), spanContext.getTraceFlags(),
          spanContext.getTraceState());
    }
    a.spanId = asc.getSpanId();
    List<HeaderMutation.Op> trace = new ArrayList<>(staleTraceHeaders.size() + 6);
    trace.addAll(staleTraceHeaders);
    TraceHeaders.inject(asc, spanContext.getSpanId(), telemetry.formats, trace);
    UpstreamRequest sent = upstream.withHeaders(contextHeaders.then(upstream.headers()).then(HeaderMutation.of(trace)));
    a.request = sent;
    lastAttempt = a;
    attempts++;
    telemetry.listener.attemptStarted(this, a);
    return sent;
  }

  private void describeAttempt(Span as, UpstreamRequest upstream) {
    as.setAttribute(HTTP_REQUEST_METHOD, request.method());
    as.setAttribute(SERVER_ADDRESS, request.host());
    as.setAttribute(SERVER_PORT, (long) request.port());
    as.setAttribute(ATTEMPT, (long) upstream.attempt());
    if (upstream.attempt() > 1) {
      as.setAttribute(HTTP_REQUEST_RESEND_COUNT, (long) upstream.attempt() - 1);
    }
    Endpoint e = upstream.endpoint();
    if (e != null) {
      as.setAttribute(NETWORK_PEER_ADDRESS, e.address());
      as.setAttribute(NETWORK_PEER_PORT, (long) e.port());
      as.setAttribute(ENDPOINT, e.hostPort());
      as.setAttribute(URL_FULL, upstream.scheme() + "://" + e.hostPort() + upstream.path()
          + (upstream.rawQuery() == null ? "" : "?" + upstream.rawQuery()));
    } else {
      as.setAttribute(URL_FULL, url(request));
    }
    RouteDecision r = route;
    if (r != null && r.cluster() != null) {
      as.setAttribute(CLUSTER, r.cluster());
    }
    if (r != null && r.subset() != null) {
      as.setAttribute(SUBSET, r.subset());
    }
  }

  /** An attempt got response headers. */
  public void attemptEnded(UpstreamRequest upstream, R response) {
    Attempt a = attempt(upstream);
    if (a == null) {
      return;
    }
    a.durationNanos = telemetry.ticker.nanos() - a.startNanos;
    a.status = exchange.describe(response).status();
    Span as = a.span;
    if (as != null) {
      if (as.isRecording()) {
        as.setAttribute(HTTP_RESPONSE_STATUS_CODE, (long) a.status);
        if (a.status >= 400) {
          as.setAttribute(ERROR_TYPE, Integer.toString(a.status));
          as.setStatus(StatusCode.ERROR);
        }
      }
      as.end();
    }
    telemetry.listener.attemptEnded(this, a);
  }

  /** An attempt failed before response headers. */
  public void attemptFailed(UpstreamRequest upstream, UpstreamFailure how, IOException e) {
    Attempt a = attempt(upstream);
    if (a == null) {
      return;
    }
    a.durationNanos = telemetry.ticker.nanos() - a.startNanos;
    a.failure = how;
    Span as = a.span;
    if (as != null) {
      if (as.isRecording()) {
        as.setAttribute(ERROR_TYPE, e.getClass().getName());
        as.setStatus(StatusCode.ERROR, how.name());
      }
      as.end();
    }
    telemetry.listener.attemptEnded(this, a);
  }

  private @Nullable Attempt attempt(UpstreamRequest upstream) {
    Attempt a = lastAttempt;
    return a != null && a.number == upstream.attempt() && a.durationNanos < 0 ? a : null;
  }

  /**
   * The request answered: returns the response arranged to end the request (span, metrics,
   * access log) when the application is done with its body.
   */
  public R end(R response) {
    ResponseInfo info = exchange.describe(response);
    status = info.status();
    flags = delayInjected ? (info.flags().isEmpty() ? "DI" : "DI," + info.flags()) : info.flags();
    grpcStatus = grpc ? info.grpcStatus() : null;
    protocol = info.protocol();
    return exchange.whenBodyComplete(response, this);
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
        s.setAttribute(HTTP_RESPONSE_STATUS_CODE, (long) status);
        s.setAttribute(ATTEMPTS, (long) attempts);
        if (!flags.isEmpty()) {
          s.setAttribute(RESPONSE_FLAGS, flags);
        }
        if (status >= 400) {
          s.setAttribute(ERROR_TYPE, Integer.toString(status));
          s.setStatus(StatusCode.ERROR);
        }
      }
      s.end();
    }
    telemetry.listener.requestEnded(this);
  }

  /**
   * The request failed with an exception the application gets (its own cancellation or timeout,
   * or a bug): ends it with status 0, flag {@code DC} as Envoy logs a downstream that went away.
   */
  public void failed(Throwable e) {
    if (ended) {
      return;
    }
    ended = true;
    failure = e;
    status = 0;
    flags = e instanceof IOException ? (delayInjected ? "DI,DC" : "DC") : (delayInjected ? "DI" : "");
    durationNanos = telemetry.ticker.nanos() - startNanos;
    Attempt a = lastAttempt;
    if (a != null && a.durationNanos < 0 && a.span != null) {
      a.span.end();
    }
    Span s = span;
    if (s != null) {
      if (s.isRecording()) {
        s.setAttribute(ERROR_TYPE, e.getClass().getName());
        s.setAttribute(ATTEMPTS, (long) attempts);
        s.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
      }
      s.end();
    }
    telemetry.listener.requestEnded(this);
  }

  private static String url(MeshRequest r) {
    String q = r.rawQuery();
    return r.scheme() + "://" + r.authority() + r.path() + (q == null ? "" : "?" + q);
  }

  // ---- MeshCall -----------------------------------------------------------------------------

  @Override
  public String requestId() {
    return requestId;
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
  public long durationNanos() {
    return durationNanos;
  }

  @Override
  public @Nullable Throwable failure() {
    return failure;
  }

  @Override
  public String toString() {
    return "MeshCall{" + request.method() + " " + url(request) + ", x-request-id=" + requestId + ", trace="
        + spanContext.getTraceId() + "/" + spanContext.getSpanId() + "}";
  }

  /** Context headers to add, collected while the request starts. */
  private static final class Extras {
    @Nullable List<HeaderMutation.Op> ops;
    @Nullable List<String> names;
    @Nullable List<String> values;

    void set(String name, String value) {
      if (ops == null) {
        ops = new ArrayList<>(4);
        names = new ArrayList<>(4);
        values = new ArrayList<>(4);
      }
      ops.add(new HeaderMutation.Op(HeaderMutation.Kind.SET, name, value));
      names.add(name);
      values.add(value);
    }

    void remove(String name) {
      if (ops == null) {
        ops = new ArrayList<>(4);
      }
      ops.add(new HeaderMutation.Op(HeaderMutation.Kind.REMOVE, name, ""));
    }
  }

  /** One attempt's state. */
  private static final class Attempt implements MeshAttempt {
    final int number;
    final @Nullable Endpoint endpoint;
    final long startNanos;
    @Nullable UpstreamRequest request;
    @Nullable Span span;
    String spanId = "";
    long durationNanos = -1;
    int status;
    @Nullable UpstreamFailure failure;

    Attempt(int number, @Nullable Endpoint endpoint, long startNanos) {
      this.number = number;
      this.endpoint = endpoint;
      this.startNanos = startNanos;
    }

    @Override
    public int number() {
      return number;
    }

    @Override
    public UpstreamRequest request() {
      return request;
    }

    @Override
    public @Nullable Endpoint endpoint() {
      return endpoint;
    }

    @Override
    public String spanId() {
      return spanId;
    }

    @Override
    public long startNanos() {
      return startNanos;
    }

    @Override
    public long durationNanos() {
      return durationNanos;
    }

    @Override
    public int status() {
      return status;
    }

    @Override
    public @Nullable UpstreamFailure failure() {
      return failure;
    }

    @Override
    public String toString() {
      return "attempt " + number + " to " + (endpoint == null ? "passthrough" : endpoint.hostPort());
    }
  }
}

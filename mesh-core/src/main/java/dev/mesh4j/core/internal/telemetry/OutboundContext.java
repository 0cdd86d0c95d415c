package dev.mesh4j.core.internal.telemetry;

import dev.mesh4j.api.runtime.RandomSource;
import dev.mesh4j.core.http.HeaderMutation;
import dev.mesh4j.core.http.MeshRequest;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.BaggageBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What one outbound request takes from the context it is made in: the headers it lacks (request
 * id, user headers, {@code x-ot-span-context}, baggage), the request as it will be sent, the
 * trace headers the application set itself, and the parent of its span. Computed once, when the
 * request starts. Immutable after construction.
 */
final class OutboundContext {
  /** The {@code x-request-id} of every attempt. */
  final String requestId;
  /** Headers to set before the route's own operations (the application's own headers are never among them). */
  final List<HeaderMutation.Op> headers;
  /** The application's request with {@link #headers} merged in: what routing matches. */
  final MeshRequest request;
  /** REMOVE operations for the trace headers the application set (rewritten, never forwarded). */
  final List<HeaderMutation.Op> staleTraceHeaders;
  /** The span to continue: the application's trace headers, its current span, or the inbound one. */
  final SpanContext parent;
  /** The OpenTelemetry context to start the request span in. */
  final Context parentContext;

  private @Nullable List<HeaderMutation.Op> ops;
  /** Whether {@link #ops} sets a header (routing then sees the request with them). */
  private boolean sets;

  OutboundContext(MeshRequest app, Context current, RandomSource random) {
    InboundContext inbound = current.get(InboundContext.KEY);
    if (inbound == null) {
      inbound = InboundContext.EMPTY;
    }
    HeaderLookup appHeaders = app::header;

    String id = HeaderValues.clean(app.header(TraceHeaders.REQUEST_ID), HeaderValues.MAX_REQUEST_ID);
    if (id == null || id.isBlank()) {
      id = inbound.requestId() != null ? inbound.requestId() : Ids.requestId(random);
      set(TraceHeaders.REQUEST_ID, id);
    }
    this.requestId = id;
    for (int i = 0, n = inbound.headerCount(); i < n; i++) {
      String name = inbound.headerName(i);
      if (app.header(name) == null) {
        set(name, inbound.headerValue(i));
      }
    }
    if (inbound.otSpanContext() != null && app.header(TraceHeaders.OT_SPAN_CONTEXT) == null) {
      set(TraceHeaders.OT_SPAN_CONTEXT, inbound.otSpanContext());
    }
    baggage(app, appHeaders, inbound, current);
    this.headers = ops == null ? List.of() : ops;
    this.request = sets ? new PropagatedRequest(app, this.headers) : app;

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

    // The parent: trace headers the application set itself (what a sidecar would see), else the
    // application's current OpenTelemetry span, else the inbound context's.
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
    this.parent = parent;
    this.parentContext = parentContext;
  }

  /** Baggage sent: the context's, the current OpenTelemetry baggage's, the request's own (winning). */
  private void baggage(MeshRequest app, HeaderLookup appHeaders, InboundContext inbound, Context current) {
    String own = app.header(TraceHeaders.BAGGAGE_HEADER);
    Baggage otel = Baggage.fromContextOrNull(current);
    boolean hasOtel = otel != null && !otel.isEmpty();
    if (own == null && !hasOtel) {
      if (inbound.baggageHeader() != null) {
        set(TraceHeaders.BAGGAGE_HEADER, inbound.baggageHeader());
      }
      return;
    }
    Baggage ownBaggage = own == null ? Baggage.empty() : TraceHeaders.extractBaggage(appHeaders);
    if (own != null && !hasOtel && inbound.baggage().isEmpty() && !ownBaggage.isEmpty()) {
      return; // the application's own, valid, and nothing to add
    }
    BaggageBuilder merged = inbound.baggage().toBuilder();
    if (hasOtel) {
      otel.forEach((k, v) -> merged.put(k, v.getValue(), v.getMetadata()));
    }
    ownBaggage.forEach((k, v) -> merged.put(k, v.getValue(), v.getMetadata()));
    String header = TraceHeaders.baggageHeader(merged.build());
    if (header != null) {
      set(TraceHeaders.BAGGAGE_HEADER, header);
    } else if (own != null) {
      add(new HeaderMutation.Op(HeaderMutation.Kind.REMOVE, TraceHeaders.BAGGAGE_HEADER, ""));
    }
  }

  private void set(String name, String value) {
    add(new HeaderMutation.Op(HeaderMutation.Kind.SET, name, value));
    sets = true;
  }

  private void add(HeaderMutation.Op op) {
    if (ops == null) {
      ops = new ArrayList<>(4);
    }
    ops.add(op);
  }
}

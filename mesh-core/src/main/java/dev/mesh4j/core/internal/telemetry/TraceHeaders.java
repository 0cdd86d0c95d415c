package dev.mesh4j.core.internal.telemetry;

import dev.mesh4j.core.http.HeaderMutation;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.extension.trace.propagation.B3Propagator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reading and writing trace context with OpenTelemetry's propagators (W3C Trace Context, W3C
 * Baggage, B3 single and multi). Every value read passes {@link HeaderValues#clean} first, and
 * nothing a propagator does can throw out of here: an unreadable header is no header.
 */
final class TraceHeaders {
  private static final Logger log = LoggerFactory.getLogger(TraceHeaders.class);

  private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();
  /** B3's extractor reads the single header first, then the multi headers. */
  private static final TextMapPropagator B3_MULTI = B3Propagator.injectingMultiHeaders();
  private static final TextMapPropagator B3_SINGLE = B3Propagator.injectingSingleHeader();
  private static final TextMapPropagator BAGGAGE = W3CBaggagePropagator.getInstance();

  /** Every header a trace format reads or writes. */
  static final List<String> TRACE_HEADERS = List.of("traceparent", "tracestate", "b3", "x-b3-traceid",
      "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags");

  static final String BAGGAGE_HEADER = "baggage";
  static final String REQUEST_ID = "x-request-id";
  static final String OT_SPAN_CONTEXT = "x-ot-span-context";

  private static final TextMapGetter<HeaderLookup> GETTER = new TextMapGetter<>() {
    @Override
    public @Nullable String get(@Nullable HeaderLookup carrier, String key) {
      if (carrier == null) {
        return null;
      }
      String name = lower(key);
      return HeaderValues.clean(carrier.get(name), HeaderValues.limit(name));
    }
  };

  private static final TextMapSetter<List<HeaderMutation.Op>> SETTER = (ops, key, value) -> {
    if (ops != null && HeaderValues.clean(value, HeaderValues.limit(lower(key))) != null) {
      ops.add(new HeaderMutation.Op(HeaderMutation.Kind.SET, lower(key), value));
    }
  };

  private TraceHeaders() {}

  /**
   * The trace context the headers carry: the first valid of W3C, B3 single and B3 multi;
   * {@link SpanContext#getInvalid()} when none is.
   */
  static SpanContext extract(HeaderLookup headers) {
    try {
      SpanContext w3c = Span.fromContext(W3C.extract(Context.root(), headers, GETTER)).getSpanContext();
      if (w3c.isValid()) {
        return w3c;
      }
      return Span.fromContext(B3_MULTI.extract(Context.root(), headers, GETTER)).getSpanContext();
    } catch (RuntimeException e) {
      log.debug("mesh4j: unreadable trace context ignored", e);
      return SpanContext.getInvalid();
    }
  }

  /** The W3C baggage the headers carry; empty when none or unreadable. */
  static Baggage extractBaggage(HeaderLookup headers) {
    try {
      return Baggage.fromContext(BAGGAGE.extract(Context.root(), headers, GETTER));
    } catch (RuntimeException e) {
      log.debug("mesh4j: unreadable baggage ignored", e);
      return Baggage.empty();
    }
  }

  /**
   * Adds SET operations writing the span ({@code traceId}, {@code spanId}, {@code flags},
   * {@code state}) in every format of {@code formats}, as OpenTelemetry's propagators write it.
   * Written here without them (no context, span wrapper or setter per header) unless there is a
   * trace state to encode, which is theirs.
   */
  static void inject(String traceId, String spanId, TraceFlags flags, TraceState state, @Nullable String parentSpanId,
      Set<Telemetry.Format> formats, List<HeaderMutation.Op> ops) {
    if (!state.isEmpty() || !TraceId.isValid(traceId) || !SpanId.isValid(spanId)) {
      inject(SpanContext.create(traceId, spanId, flags, state), parentSpanId, formats, ops);
      return;
    }
    String sampled = flags.isSampled() ? "1" : "0";
    if (formats.contains(Telemetry.Format.W3C)) {
      ops.add(set("traceparent", "00-" + traceId + '-' + spanId + '-' + flags.asHex()));
    }
    if (formats.contains(Telemetry.Format.B3_MULTI)) {
      ops.add(set("x-b3-traceid", traceId));
      ops.add(set("x-b3-spanid", spanId));
      ops.add(set("x-b3-sampled", sampled));
      // OpenTelemetry's B3 writes no parent; Envoy's Zipkin tracer does, and Zipkin uses it.
      if (parentSpanId != null) {
        ops.add(set("x-b3-parentspanid", parentSpanId));
      }
    }
    if (formats.contains(Telemetry.Format.B3_SINGLE)) {
      ops.add(set("b3", traceId + '-' + spanId + '-' + sampled));
    }
  }

  private static HeaderMutation.Op set(String name, String value) {
    return new HeaderMutation.Op(HeaderMutation.Kind.SET, name, value);
  }

  /** Adds SET operations writing {@code span} in every format of {@code formats}, with OpenTelemetry's propagators. */
  static void inject(SpanContext span, @Nullable String parentSpanId, Set<Telemetry.Format> formats,
      List<HeaderMutation.Op> ops) {
    Context context = Context.root().with(Span.wrap(span));
    if (formats.contains(Telemetry.Format.W3C)) {
      W3C.inject(context, ops, SETTER);
    }
    if (formats.contains(Telemetry.Format.B3_MULTI)) {
      B3_MULTI.inject(context, ops, SETTER);
      // OpenTelemetry's B3 writes no parent; Envoy's Zipkin tracer does, and Zipkin uses it.
      if (parentSpanId != null) {
        ops.add(new HeaderMutation.Op(HeaderMutation.Kind.SET, "x-b3-parentspanid", parentSpanId));
      }
    }
    if (formats.contains(Telemetry.Format.B3_SINGLE)) {
      B3_SINGLE.inject(context, ops, SETTER);
    }
  }

  /** The {@code baggage} header value for these entries, or null when there are none. */
  static @Nullable String baggageHeader(Baggage baggage) {
    if (baggage.isEmpty()) {
      return null;
    }
    List<HeaderMutation.Op> out = new java.util.ArrayList<>(1);
    try {
      BAGGAGE.inject(Context.root().with(baggage), out, SETTER);
    } catch (RuntimeException e) {
      log.debug("mesh4j: baggage not written", e);
      return null;
    }
    return out.isEmpty() ? null : out.get(0).value();
  }

  /** Lower-case header names without allocating for the names the propagators use. */
  private static String lower(String key) {
    return switch (key) {
      case "X-B3-TraceId" -> "x-b3-traceid";
      case "X-B3-SpanId" -> "x-b3-spanid";
      case "X-B3-Sampled" -> "x-b3-sampled";
      case "X-B3-Flags" -> "x-b3-flags";
      case "X-B3-ParentSpanId" -> "x-b3-parentspanid";
      case "traceparent", "tracestate", "b3", "baggage" -> key;
      default -> key.toLowerCase(Locale.ROOT);
    };
  }
}

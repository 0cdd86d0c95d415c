package dev.mesh4j.core.internal.telemetry;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.ContextKey;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the mesh carries from an inbound request to the outbound calls made while handling it:
 * request id, trace context, baggage, {@code x-ot-span-context} and the user-named headers.
 * Every value was validated when captured. Immutable; kept in OpenTelemetry's
 * {@link io.opentelemetry.context.Context} under {@link #KEY}.
 */
public final class InboundContext {
  /** Where the current inbound context lives in OpenTelemetry's context. */
  public static final ContextKey<InboundContext> KEY = ContextKey.named("mesh4j-inbound-context");

  /** Nothing captured. */
  public static final InboundContext EMPTY =
      new InboundContext(null, SpanContext.getInvalid(), Baggage.empty(), null, new String[0], new String[0]);

  private final @Nullable String requestId;
  private final SpanContext spanContext;
  private final Baggage baggage;
  private final @Nullable String baggageHeader;
  private final @Nullable String otSpanContext;
  private final String[] names;
  private final String[] values;

  private InboundContext(@Nullable String requestId, SpanContext spanContext, Baggage baggage,
      @Nullable String otSpanContext, String[] names, String[] values) {
    this.requestId = requestId;
    this.spanContext = spanContext;
    this.baggage = baggage;
    this.baggageHeader = TraceHeaders.baggageHeader(baggage);
    this.otSpanContext = otSpanContext;
    this.names = names;
    this.values = values;
  }

  /**
   * Reads an inbound request's headers: {@code x-request-id}, the trace context (first valid
   * of W3C, B3 single, B3 multi), {@code baggage}, {@code x-ot-span-context} and each of
   * {@code userHeaders}. Invalid and oversized values are left out.
   */
  public static InboundContext capture(HeaderLookup headers, Collection<String> userHeaders) {
    String requestId = HeaderValues.clean(headers.get(TraceHeaders.REQUEST_ID), HeaderValues.MAX_REQUEST_ID);
    if (requestId != null && requestId.isBlank()) {
      requestId = null;
    }
    SpanContext span = TraceHeaders.extract(headers);
    Baggage baggage = TraceHeaders.extractBaggage(headers);
    String ot = HeaderValues.clean(headers.get(TraceHeaders.OT_SPAN_CONTEXT), HeaderValues.MAX_OTHER);
    Map<String, String> user = new LinkedHashMap<>();
    for (String name : userHeaders) {
      if (!HeaderValues.isToken(name)) {
        continue;
      }
      String lower = name.toLowerCase(Locale.ROOT);
      String v = HeaderValues.clean(headers.get(lower), HeaderValues.MAX_OTHER);
      if (v != null) {
        user.put(lower, v);
      }
    }
    if (requestId == null && !span.isValid() && baggage.isEmpty() && ot == null && user.isEmpty()) {
      return EMPTY;
    }
    return new InboundContext(requestId, span, baggage, ot, user.keySet().toArray(new String[0]),
        user.values().toArray(new String[0]));
  }

  public @Nullable String requestId() {
    return requestId;
  }

  /** The inbound trace context (the caller's span), or an invalid one. */
  public SpanContext spanContext() {
    return spanContext;
  }

  public Baggage baggage() {
    return baggage;
  }

  /** The baggage as its W3C header, or null when empty. */
  @Nullable String baggageHeader() {
    return baggageHeader;
  }

  public @Nullable String otSpanContext() {
    return otSpanContext;
  }

  /** The user-named headers captured, lower-case names, in the order configured. */
  public Map<String, String> headers() {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      m.put(names[i], values[i]);
    }
    return m;
  }

  /** A user-named header's value, or null. */
  public @Nullable String header(String lowerCaseName) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(lowerCaseName)) {
        return values[i];
      }
    }
    return null;
  }

  int headerCount() {
    return names.length;
  }

  String headerName(int i) {
    return names[i];
  }

  String headerValue(int i) {
    return values[i];
  }

  public boolean isEmpty() {
    return this == EMPTY;
  }

  /** Whether {@code name} is an HTTP header name (an RFC 9110 token). */
  public static boolean isHeaderName(String name) {
    return HeaderValues.isToken(name);
  }

  @Override
  public String toString() {
    return "InboundContext{requestId=" + requestId + ", trace=" + (spanContext.isValid()
        ? spanContext.getTraceId() + "/" + spanContext.getSpanId() : "none")
        + (baggageHeader == null ? "" : ", baggage=" + baggageHeader) + ", headers=" + headers() + "}";
  }
}

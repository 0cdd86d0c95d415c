package dev.mesh4j.core.context;

/**
 * A trace-context header format mesh4j writes on outbound requests. Every format read is
 * always read (W3C, then B3 single, then B3 multi); these choose what is written. The default
 * is {@link #W3C} and {@link #B3_MULTI}, as an Istio sidecar with Zipkin-style tracing plus
 * OpenTelemetry-instrumented applications expect; all formats written describe the same span.
 */
public enum TraceFormat {
  /** W3C Trace Context: {@code traceparent} and {@code tracestate}. */
  W3C,
  /**
   * B3 multi-header: {@code x-b3-traceid}, {@code x-b3-spanid}, {@code x-b3-parentspanid},
   * {@code x-b3-sampled} (or {@code x-b3-flags} for debug).
   */
  B3_MULTI,
  /** B3 single header: {@code b3: {traceid}-{spanid}-{sampled}}. */
  B3_SINGLE
}

/**
 * Telemetry as a sidecar does it: request ids, trace-context propagation (OpenTelemetry's
 * W3C, baggage and B3 propagators), the inbound context, client spans through the
 * OpenTelemetry API, Istio's standard metrics and Envoy's access log.
 *
 * <p>Internal: not part of mesh4j's API and may change at any time.
 */
@NullMarked
package dev.mesh4j.core.internal.telemetry;

import org.jspecify.annotations.NullMarked;

/**
 * The inbound → outbound context: what a sidecar makes an application copy by hand. Capture
 * the headers of the request a service is handling ({@link dev.mesh4j.core.context.MeshContext#capture}),
 * make them current while handling it, and every meshed outbound call made in that scope — on
 * this thread, through OkHttp's {@code enqueue()}, or on a context-wrapping executor — carries
 * the request id, the trace, the baggage and the user headers you named (such as
 * {@code end-user}), and is routed on them.
 *
 * <p>The context lives in OpenTelemetry's {@link io.opentelemetry.context.Context}, so
 * OpenTelemetry's own context propagation (its task wrapping, or the Java agent) carries it too.
 */
@NullMarked
package dev.mesh4j.core.context;

import org.jspecify.annotations.NullMarked;

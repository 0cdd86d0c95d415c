/**
 * Watching what the mesh does with each request: {@link dev.mesh4j.core.observe.MeshListener}
 * receives paired start/end events for the request and each attempt, and decision events
 * (routed, destination picked, fault injected); {@link dev.mesh4j.core.observe.MeshCall} and
 * {@link dev.mesh4j.core.observe.MeshAttempt} describe them. mesh4j's own telemetry (Istio
 * metrics, the access log) is built on this listener; register your own with
 * {@code Mesh.builder().listener(...)}.
 */
@NullMarked
package dev.mesh4j.core.observe;

import org.jspecify.annotations.NullMarked;

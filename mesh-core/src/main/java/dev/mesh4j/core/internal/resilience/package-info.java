/**
 * Resilience as Envoy applies Istio's policies: retry policies and back-off, per-endpoint
 * outlier detection, per-cluster connection-pool limits.
 *
 * <p>Internal: not part of mesh4j's API and may change at any time.
 */
@NullMarked
package dev.mesh4j.core.internal.resilience;

import org.jspecify.annotations.NullMarked;

/**
 * Istio's metrics for other metric libraries: {@link dev.mesh4j.core.metrics.IstioMetricLabels}
 * gives the labels mesh4j's own OpenTelemetry metrics carry, for a
 * {@link dev.mesh4j.core.observe.MeshListener} that records them elsewhere (the Spring Boot
 * starter does it for Micrometer).
 */
@NullMarked
package dev.mesh4j.core.metrics;

import org.jspecify.annotations.NullMarked;
